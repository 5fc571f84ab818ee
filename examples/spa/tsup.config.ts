import { defineConfig } from 'tsup'

// The demo server (Node): serves dist/www plus /config.json and runs the emulator beside it.
export default defineConfig({
  entry: { demo: 'server/demo.ts' },
  outDir: 'dist/server',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
})
