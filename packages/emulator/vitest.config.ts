import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@cae-kit/source'] },
  ssr: { resolve: { conditions: ['@cae-kit/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // CI runs every package's suite at once on 2 cores: allow for a loaded machine.
    testTimeout: 30_000,
  },
})
