import type { Options } from 'tsup'
import { packageBuild } from '../../tsup.shared'

// `import.meta.url` in axios-copies.ts is read only where `__filename` is absent (ESM): the
// CommonJS build never reaches it, so esbuild's warning about it there is silenced.
const quiet = (options: Parameters<NonNullable<Options['esbuildOptions']>>[0]) => {
  options.logOverride = { ...options.logOverride, 'empty-import-meta': 'silent' }
}

export default (packageBuild('neutral', undefined, { browser: true }) as Options[]).map(
  (config): Options => ({ ...config, esbuildOptions: quiet }),
)
