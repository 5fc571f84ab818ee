// A .js config (not .json): the Node build is measured for Node (platform 'node' picks the
// export map's Node entries), the browser build as a browser bundler resolves it.
const node = (config) => ({ ...config, platform: 'node' })

export default [
  {
    name: 'createCaeFetch, browser build (what a bundler for browsers picks)',
    path: 'dist/browser/index.js',
    import: '{ createCaeFetch }',
    gzip: true,
    limit: '7.31 kB',
  },
  {
    name: 'createCaeFetch, Node build (with the redirect follower and stream read-ahead)',
    path: 'dist/index.js',
    import: '{ createCaeFetch }',
    gzip: true,
    limit: '8.53 kB',
    modifyEsbuildConfig: node,
  },
  {
    name: 'getClaimsChallenge (detector only)',
    path: 'dist/browser/index.js',
    import: '{ getClaimsChallenge }',
    gzip: true,
    limit: '1.35 kB',
  },
]
