import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cae-kit/source'] },
  ssr: { resolve: { conditions: ['@cae-kit/source'] } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
