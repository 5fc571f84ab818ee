/**
 * Bundles the fleet's daemon process (examples/fleet/src/worker.ts) into one ESM file runnable
 * with plain `node`, workspace packages taken from their TypeScript source (`@cae-kit/source`), so
 * the fleet tests need no prior package build. esbuild, not vite: this runs before every fleet
 * test file and is a fraction of a second this way. The big third-party packages (msal-node,
 * node-redis) stay external, resolved from examples/fleet's node_modules (the bundle is written
 * below it).
 */
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

export const fleetRoot = resolve(import.meta.dirname, '../../../examples/fleet')

/** Builds the daemon into a folder below examples/fleet; resolves with the script to fork. */
export async function buildWorker(name: string): Promise<string> {
  const outfile = join(fleetRoot, 'node_modules', '.cache', name, 'worker.mjs')
  await build({
    entryPoints: [join(fleetRoot, 'src/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@cae-kit/source'],
    external: ['@azure/msal-node', 'redis'],
    logLevel: 'warning',
  })
  return outfile
}
