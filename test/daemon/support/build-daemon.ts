/**
 * Bundles the example daemon (examples/daemon/src/main.ts) into one ESM file runnable with plain
 * `node`, workspace packages taken from their TypeScript source (`@cae-kit/source`), so the
 * scenario needs no prior package build. Everything is bundled: the file may live in a
 * temporary folder, away from any node_modules.
 */
import { join, resolve } from 'node:path'
import { build, defaultServerConditions } from 'vite'

export const daemonRoot = resolve(import.meta.dirname, '../../../examples/daemon')

/** Builds the daemon into `outDir`; resolves with the path of the script to run. */
export async function buildDaemon(outDir: string): Promise<string> {
  const conditions = ['@cae-kit/source', ...defaultServerConditions]
  await build({
    root: daemonRoot,
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions },
    ssr: { noExternal: true, resolve: { conditions, externalConditions: conditions } },
    build: {
      ssr: join(daemonRoot, 'src/main.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      reportCompressedSize: false,
      rollupOptions: {
        output: { format: 'es', entryFileNames: 'main.mjs', inlineDynamicImports: true },
      },
    },
  })
  return join(outDir, 'main.mjs')
}
