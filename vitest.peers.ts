import { join } from 'node:path'
import type { Plugin } from 'vitest/config'

/**
 * Peer-version runs (`scripts/peer-matrix.mjs`). `CAE_PEER_OVERRIDES` is a JSON object mapping a
 * peer's name to a folder whose `node_modules` holds another version of that peer (say axios
 * 1.6.0). Imports of the peer and of its subpaths (`msw/node`) from the package's sources and tests
 * then resolve from that folder, with the same exports and conditions as an app that installed
 * that version; everything else resolves as usual. Without the variable the plugin does nothing.
 *
 * @returns A Vite plugin; `vitest.shared.ts` adds it to every package's configuration.
 */
export function peerOverrides(): Plugin {
  const overrides = Object.entries(
    JSON.parse(process.env.CAE_PEER_OVERRIDES ?? '{}') as Record<string, string>,
  )
  return {
    name: 'cae-kit:peer-overrides',
    enforce: 'pre',
    async resolveId(source, _importer, options) {
      const match = overrides.find(([name]) => source === name || source.startsWith(`${name}/`))
      if (match === undefined) return null
      // Resolve as if imported from a file of that folder (Vite walks up from the importer).
      return this.resolve(source, join(match[1], 'package.json'), { ...options, skipSelf: true })
    },
  }
}
