// Where the SPA stack's bytes go, from sources: `node size/breakdown.mjs` in packages/msal-browser.
// Bundles what size/spa-stack.js exports as an app's bundler would (browser condition, the
// `*.browser.ts` siblings the browser builds use), prints the whole bundle's gzip size and each
// module's minified bytes. The enforced figure stays size-limit's, measured on the built dist.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const browserSiblings = {
  name: 'browser-siblings',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) => {
      const sibling = `${resolve(resolveDir, path)}.browser.ts`
      return existsSync(sibling) ? { path: sibling } : undefined
    })
  },
}

const result = await build({
  entryPoints: [new URL('./spa-stack.js', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'esm',
  write: false,
  metafile: true,
  platform: 'browser',
  target: 'es2022',
  conditions: ['@cae-kit/source', 'browser'],
  external: ['axios', '@azure/msal-browser'],
  plugins: [browserSiblings],
})
const code = result.outputFiles[0].contents
console.log(`SPA stack from sources: ${code.length} B minified, ${gzipSync(code).length} B gzipped`)
const inputs = Object.values(result.metafile.outputs)[0].inputs
for (const [file, { bytesInOutput }] of Object.entries(inputs).sort(
  (a, b) => b[1].bytesInOutput - a[1].bytesInOutput,
)) {
  if (bytesInOutput)
    console.log(String(bytesInOutput).padStart(7), file.replace(/^.*packages\//, ''))
}
