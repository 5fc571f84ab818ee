/**
 * Builds browser test pages with Vite (workspace packages resolved from their TypeScript source
 * through the `@cae-kit/source` condition, so no package build is needed) and serves the result
 * over `http://localhost:<port>`: a secure context, so WebCrypto and MSAL work without TLS.
 *
 * @example
 * ```ts
 * const server = await startStaticServer()        // port known before the build
 * await buildPages({ root, pages: ['index.html', 'redirect.html'], outDir: server.dir,
 *                    define: { __CONFIG__: { apiUrl } } })
 * await page.goto(`${server.url}/index.html`)
 * ```
 */

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve } from 'node:path'
import { build, defaultClientConditions } from 'vite'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
}

/** A static file server on a free localhost port; `dir` is a fresh temporary directory. */
export interface StaticServer {
  /** `http://localhost:<port>` */
  url: string
  port: number
  /** The directory served; build into it. Removed by `close()`. */
  dir: string
  close(): Promise<void>
}

/**
 * Starts serving a new temporary directory. `/` serves `index.html`; unknown paths are 404.
 * Responses are `no-store` so a rebuilt bundle is always picked up.
 */
export async function startStaticServer(): Promise<StaticServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cae-kit-pages-'))
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    const file = normalize(join(dir, path === '/' ? 'index.html' : decodeURIComponent(path)))
    if (!file.startsWith(dir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end('not found')
      return
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    })
    response.end(readFileSync(file))
  })
  // No host: listens on the dual-stack wildcard, so `localhost` works whether it resolves to
  // 127.0.0.1 or ::1.
  await new Promise<void>((done) => server.listen(0, done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://localhost:${port}`,
    port,
    dir,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => {
          rmSync(dir, { recursive: true, force: true })
          done()
        })
      }),
  }
}

/** What {@link buildPages} bundles. */
export interface BuildPagesOptions {
  /** Folder holding the HTML pages and their scripts. */
  root: string
  /** HTML files under `root` to build, e.g. `['index.html', 'redirect.html']`. */
  pages: string[]
  /** Output folder (emptied first), usually `StaticServer.dir`. */
  outDir: string
  /** Compile-time constants: each value is JSON-serialised and replaces the identifier. */
  define?: Record<string, unknown>
}

/**
 * Bundles the pages with Vite (no config file, unminified, sourcemaps for readable stacks).
 * Resolves workspace packages from source with the `@cae-kit/source` condition.
 */
export async function buildPages(options: BuildPagesOptions): Promise<void> {
  const root = resolve(options.root)
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    // Test pages have no public/ folder.
    publicDir: false,
    resolve: { conditions: ['@cae-kit/source', ...defaultClientConditions] },
    define: Object.fromEntries(
      Object.entries(options.define ?? {}).map(([name, value]) => [name, JSON.stringify(value)]),
    ),
    build: {
      outDir: options.outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      reportCompressedSize: false,
      rollupOptions: {
        input: Object.fromEntries(options.pages.map((page) => [page, join(root, page)])),
      },
    },
  })
}
