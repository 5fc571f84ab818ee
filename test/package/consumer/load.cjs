// Requires every entry point named in specs.json as CommonJS (`require`), prints { entry: export names }.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const specs = JSON.parse(readFileSync(join(__dirname, 'specs.json'), 'utf8'))
const names = {}
for (const spec of specs) names[spec] = Object.keys(require(spec)).sort()
console.log(JSON.stringify(names))
