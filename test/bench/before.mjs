// The "before" build for side-by-side runs. With `CAE_BENCH_BEFORE=<dir>` (a checkout of an
// older cae-kit, installed and built: `git worktree add /tmp/perf-before <commit> && cd
// /tmp/perf-before && pnpm install && pnpm build`), every benchmark also measures that build's
// `createCaeFetch`, `attachCae`, `fromMsalNode` and `parseWwwAuthenticate`, in the same rounds as
// today's, so that "before" and "after" come from one run on one machine. Without it, nothing
// changes.
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The directory of the before build, or undefined. */
export const BEFORE_DIR = process.env.CAE_BENCH_BEFORE || undefined

const load = (path) => import(pathToFileURL(join(BEFORE_DIR, path)).href)

/**
 * The before build's packages, each as its own ESM entry imports them: `axios` is the copy the
 * before `@cae-kit/axios` imports (an instance of another copy would dispatch through a second set
 * of axios adapters, a cost today's build does not pay in this benchmark either). Undefined
 * without `CAE_BENCH_BEFORE`.
 */
export async function loadBefore() {
  if (BEFORE_DIR === undefined) return undefined
  const axiosRoot = join(BEFORE_DIR, 'packages/axios/node_modules/axios')
  const manifest = JSON.parse(await readFile(join(axiosRoot, 'package.json'), 'utf8'))
  const [core, caeAxios, msalNode, axios] = await Promise.all([
    load('packages/core/dist/index.js'),
    load('packages/axios/dist/index.js'),
    load('packages/msal-node/dist/index.js'),
    import(pathToFileURL(join(axiosRoot, 'index.js')).href),
  ])
  const commit = execFileSync('git', ['-C', BEFORE_DIR, 'log', '-1', '--format=%h %s'], {
    encoding: 'utf8',
  }).trim()
  return {
    dir: BEFORE_DIR,
    commit,
    axiosVersion: manifest.version,
    createCaeFetch: core.createCaeFetch,
    parseWwwAuthenticate: core.parseWwwAuthenticate,
    attachCae: caeAxios.attachCae,
    fromMsalNode: msalNode.fromMsalNode,
    axios: axios.default,
  }
}
