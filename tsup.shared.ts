import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig, type Options } from 'tsup'

/**
 * Builds with `<name>.browser.ts` in place of `<name>.ts` wherever such a sibling exists (as a
 * package.json `browser` file map would, but at build time, since `dist` is bundled). Node-only
 * code (the redirect hop follower, Node stream buffering) keeps its browser sibling small.
 */
const browserSiblings: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'cae-kit-browser-siblings',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) => {
      const sibling = `${resolve(resolveDir, path)}.browser.ts`
      return existsSync(sibling) ? { path: sibling } : undefined
    })
  },
}

/**
 * The build every published package shares: ESM + CJS + d.ts for both, ES2022, source maps.
 * Only the entry points and the target platform differ (style.md §8: neutral for core and
 * axios, browser for msal-browser, node for msal-node and the emulator).
 *
 * With `browser: true`, a second build goes to `dist/browser` (the `browser` export condition):
 * the same entries with the `*.browser.ts` siblings in place (see `browserSiblings`), sharing the
 * main build's type declarations.
 */
export function packageBuild(
  platform: Options['platform'],
  entry: string[] = ['src/index.ts'],
  { browser = false }: { browser?: boolean } = {},
) {
  const main: Options = {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    // The browser build writes into dist/browser at the same time: not cleaned here.
    clean: browser ? ['!browser/**'] : true,
    sourcemap: true,
    target: 'es2022',
    platform,
  }
  if (!browser) return defineConfig(main)
  return defineConfig([
    main,
    {
      ...main,
      outDir: 'dist/browser',
      dts: false,
      clean: true,
      platform: 'browser',
      esbuildPlugins: [browserSiblings],
    },
  ])
}
