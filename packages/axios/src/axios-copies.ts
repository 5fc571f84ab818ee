/**
 * The builds of axios a Node process may have loaded side by side: an app (or a library it uses)
 * can make its instance with `require('axios')` (CommonJS) while this package was loaded as ESM,
 * or the reverse. Only `axios-copy.ts` (Node builds) looks for them.
 *
 * @module
 */

/** Node's CommonJS module system: the file of this module, to resolve axios as it does. */
declare const __filename: string | undefined

type NodeRequire = ((id: string) => unknown) & { resolve(id: string): string }
type NodeModule = { createRequire(path: string): NodeRequire }
type NodeProcess = { getBuiltinModule?(id: string): unknown }

/**
 * axios as `require('axios')` gives it, and axios' ESM entry (loaded with `require(esm)`, Node ≥
 * 20.19), both resolved from this package as the app's own imports are. Called only once an
 * instance turns out to be of another copy than this package's: both are then loaded already,
 * and nothing is loaded twice. A build that cannot be loaded is left out.
 */
export function otherAxiosModules(): unknown[] {
  const process = (globalThis as { process?: NodeProcess }).process
  const modules: unknown[] = []
  let require: NodeRequire
  try {
    const nodeModule = process?.getBuiltinModule?.('node:module') as NodeModule | undefined
    if (!nodeModule) return modules
    require = nodeModule.createRequire(
      typeof __filename === 'string' ? __filename : import.meta.url,
    )
  } catch {
    // A runtime without Node's module system (or this file not on disk): nothing to look for.
    return modules
  }
  for (const load of [
    () => require('axios'),
    () => require(require.resolve('axios/package.json').replace(/package\.json$/, 'index.js')),
  ]) {
    try {
      modules.push(load())
    } catch {
      // Not there, or not loadable this way: the instance is dispatched as before.
    }
  }
  return modules
}
