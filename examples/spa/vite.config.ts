import { fileURLToPath } from 'node:url'
import { defaultClientConditions, defineConfig } from 'vite'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  // The workspace packages are bundled from their TypeScript sources (the `@cae-kit/source` export
  // condition), so the SPA builds and hot-reloads without building the packages first. An app that
  // installs cae-kit from npm needs none of this.
  resolve: { conditions: ['@cae-kit/source', ...defaultClientConditions] },
  // `pnpm dev`: hot reload on :5174, with /config.json from a running `pnpm demo` (emulator and all).
  server: {
    port: 5174,
    proxy: { '/config.json': `http://localhost:${process.env.CAE_DEMO_PORT ?? 5173}` },
  },
  build: {
    outDir: 'dist/www',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: { main: here('index.html'), redirect: here('redirect.html') } },
  },
})
