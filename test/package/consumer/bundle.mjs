// Bundles spa.ts for the browser (esbuild, minified, MSAL and axios external) and fails when the
// bundle imports anything but those two, or anything Node-only (`node:*`, a Node built-in).
import { builtinModules } from 'node:module'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const external = ['@azure/msal-browser', 'axios']
const result = await build({
  entryPoints: [new URL('./spa.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  external,
  write: false,
  metafile: true,
  logLevel: 'error',
})
const builtins = new Set(builtinModules)
const problems = []
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path } of output.imports) {
    if (path.startsWith('node:') || builtins.has(path)) problems.push(`imports Node-only ${path}`)
    else if (!external.includes(path)) problems.push(`imports ${path}, which is not external`)
  }
}
const code = result.outputFiles[0].text
for (const match of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
  problems.push(`requires ${match[1]}`)
}
const inputs = Object.keys(result.metafile.inputs).filter((input) => input.includes('@cae-kit/'))
console.log(
  `spa bundle: ${(code.length / 1024).toFixed(1)} kB min, ${(gzipSync(code).length / 1024).toFixed(1)} kB min+gz, ${inputs.length} cae-kit modules`,
)
if (problems.length > 0) {
  for (const problem of problems) console.error(`spa bundle: ${problem}`)
  process.exit(1)
}
