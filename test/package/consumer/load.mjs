// Imports every entry point named in specs.json as ESM (`import`), prints { entry: export names }.
import { readFileSync } from 'node:fs'

const specs = JSON.parse(readFileSync(new URL('./specs.json', import.meta.url), 'utf8'))
const names = {}
for (const spec of specs) names[spec] = Object.keys(await import(spec)).sort()
console.log(JSON.stringify(names))
