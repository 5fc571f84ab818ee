// A .js config (not .json): the bundle is measured for Node, where `crypto` is a builtin.
export default [
  {
    name: 'createRedisCoordinator + redisCacheClient + what they pull from @cae-kit/core (node builtins excluded)',
    path: 'dist/index.js',
    import: '{ createRedisCoordinator, redisCacheClient }',
    gzip: true,
    limit: '4.64 kB',
    modifyEsbuildConfig: (config) => ({ ...config, platform: 'node' }),
  },
]
