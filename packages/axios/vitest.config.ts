import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cae-kit/source'] },
  ssr: { resolve: { conditions: ['@cae-kit/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
})
