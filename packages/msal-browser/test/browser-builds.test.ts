// @vitest-environment node
// What a single-page app's bundler gets from cae-kit: the browser builds (the `browser` export
// condition of @cae-kit/core and @cae-kit/axios), without the code only Node runs. Reads the
// built dist (turbo builds it before the tests), as users get it.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/**
 * Node-only modules: those with a `.browser.ts` sibling are built with it in their place; the
 * others are imported only by Node-only modules.
 */
const NODE_ONLY = {
  core: ['src/fetch-redirects.ts', 'src/internal/bounded-stream.ts'],
  axios: [
    'src/http-redirects.ts',
    'src/request-data.ts',
    'src/stream-body.ts',
    'src/readable-like.ts',
    'src/axios-copy.ts',
    'src/axios-copies.ts',
  ],
}

const hasSibling = (pkg: string, module: string) =>
  existsSync(join(dirname(require.resolve(`@cae-kit/${pkg}/package.json`)), siblingOf(module)))
const siblingOf = (module: string) => module.replace(/\.ts$/, '.browser.ts')

/** The source files a built bundle was made of (from its source map), relative to the package. */
function sourcesOf(pkg: 'core' | 'axios', file: string): string[] {
  const root = dirname(require.resolve(`@cae-kit/${pkg}/package.json`))
  const map = JSON.parse(readFileSync(join(root, file), 'utf8')) as { sources: string[] }
  const mapDir = dirname(join(root, file))
  return map.sources.map((source) => join(mapDir, source).slice(root.length + 1))
}

describe.each(Object.entries(NODE_ONLY))('@cae-kit/%s', (pkg, nodeOnly) => {
  const name = pkg as 'core' | 'axios'

  it('leaves the Node-only modules out of its browser build, for their browser siblings', () => {
    for (const file of ['dist/browser/index.js.map', 'dist/browser/index.cjs.map']) {
      const sources = sourcesOf(name, file)
      for (const module of nodeOnly) {
        expect(sources).not.toContain(module)
        if (hasSibling(name, module)) expect(sources).toContain(siblingOf(module))
      }
    }
  })

  it('keeps them in the build for Node', () => {
    const sources = sourcesOf(name, 'dist/index.js.map')
    for (const module of nodeOnly) expect(sources).toContain(module)
  })
})

it("bundles the SPA stack from the browser builds (esbuild, platform 'browser')", async () => {
  const result = await build({
    entryPoints: [join(here, '../size/spa-stack.js')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    external: ['axios', '@azure/msal-browser'],
    logLevel: 'silent',
  })
  const inputs = Object.keys(result.metafile.inputs)
  expect(inputs.filter((input) => /\b(core|axios)\/dist\//.test(input)).sort()).toEqual([
    expect.stringMatching(/\baxios\/dist\/browser\/index\.js$/),
    expect.stringMatching(/\bcore\/dist\/browser\/index\.js$/),
  ])
})
