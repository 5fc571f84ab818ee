import { defineConfig } from 'vitest/config'
import { peerOverrides } from './vitest.peers'

/**
 * The vitest configuration every package shares: tests run on the TypeScript sources through the
 * `@cae-kit/source` export condition, so no build is needed before testing. `peerOverrides` lets
 * `scripts/peer-matrix.mjs` run a suite against another version of a peer.
 */
export default defineConfig({
  plugins: [peerOverrides()],
  resolve: { conditions: ['@cae-kit/source'] },
  ssr: { resolve: { conditions: ['@cae-kit/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // CI runs every package's suite at once on 2 cores: allow for a loaded machine.
    testTimeout: 30_000,
  },
})
