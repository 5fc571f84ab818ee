// A .js config (not .json): the Node build is measured for Node (platform 'node' picks the
// export map's Node entries, @cae-kit/core's too), the browser build as a browser bundler
// resolves it. axios is excluded.
const node = (config) => ({ ...config, platform: 'node' })

export default [
  {
    name: 'attachCae + what it pulls from @cae-kit/core, browser builds',
    path: 'dist/browser/index.js',
    import: '{ attachCae }',
    ignore: ['axios'],
    gzip: true,
    limit: '7.3 kB',
  },
  {
    name: 'attachCae + what it pulls from @cae-kit/core, Node builds',
    path: 'dist/index.js',
    import: '{ attachCae }',
    ignore: ['axios'],
    gzip: true,
    limit: '9.39 kB',
    modifyEsbuildConfig: node,
  },
]
