/**
 * Bundles a script of examples/fleet (the daemon process `worker.ts`, the demo `main.ts`) into
 * one ESM file runnable with plain `node`, workspace packages taken from their TypeScript source
 * (`@cae-kit/source`), so the fleet tests need no prior package build. esbuild, not vite: this runs before every fleet
 * test file and is a fraction of a second this way. The big third-party packages (msal-node,
 * node-redis) stay external, resolved from examples/fleet's node_modules (the bundle is written
 * below it).
 */
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

export const fleetRoot = resolve(import.meta.dirname, '../../../examples/fleet')

/**
 * Builds `src/<entry>.ts` (the daemon, or the demo) into a folder below examples/fleet; resolves
 * with the script to run.
 */
export async function buildFleetScript(
  name: string,
  entry: 'worker' | 'main' = 'worker',
): Promise<string> {
  const outfile = join(fleetRoot, 'node_modules', '.cache', name, `${entry}.mjs`)
  await build({
    entryPoints: [join(fleetRoot, `src/${entry}.ts`)],
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
