import { defineConfig, type Options } from 'tsup'

/**
 * The build every published package shares: ESM + CJS + d.ts for both, ES2022, source maps.
 * Only the entry points and the target platform differ (style.md §8: neutral for core and
 * axios, browser for msal-browser, node for msal-node and the emulator).
 */
export function packageBuild(platform: Options['platform'], entry: string[] = ['src/index.ts']) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    platform,
  })
}
