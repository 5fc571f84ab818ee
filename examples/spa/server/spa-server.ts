/**
 * A small static server for the built SPA: files from `root`, plus `/config.json` built from the
 * running emulator. Used by `pnpm demo` and by the end-to-end tests (on a free port).
 */
import { readFile } from 'node:fs/promises'
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

export interface SpaServerOptions {
  /** The directory holding `index.html` and `redirect.html` (vite's output). */
  root: string
  /**
   * Served as `/config.json`; a function is called per request (so the server can start, and its
   * URL be registered with the emulator, before the configuration exists).
   */
  config: unknown
  /** Port on 127.0.0.1 and ::1; 0 picks a free one. @default 0 */
  port?: number
}

export interface SpaServer {
  /** `http://localhost:<port>`: localhost is a secure context, so WebCrypto (PKCE) works. */
  url: string
  close(): Promise<void>
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
}

/** Starts the server; resolves once it listens. */
export async function startSpaServer(options: SpaServerOptions): Promise<SpaServer> {
  const root = normalize(options.root)
  const config = () =>
    JSON.stringify(
      typeof options.config === 'function' ? options.config() : options.config,
      null,
      2,
    )
  const handler: RequestListener = async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    if (path === '/config.json') {
      response.writeHead(200, { 'content-type': types['.json'], 'cache-control': 'no-store' })
      response.end(config())
      return
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path))
    // Never serve outside the build directory (`/../` in the path).
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(404).end()
      return
    }
    try {
      const body = await readFile(file)
      response.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
      })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    }
  }
  const { servers, port } = await listenLoopback(handler, options.port ?? 0)
  return {
    url: `http://localhost:${port}`,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((done) => {
              server.closeAllConnections()
              server.close(() => done())
            }),
        ),
      )
    },
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      done((server.address() as AddressInfo).port)
    })
  })
}

/**
 * Listens on 127.0.0.1 and ::1 with one port: `localhost` may resolve to either, and the demo
 * should not be reachable from the network.
 */
async function listenLoopback(
  handler: RequestListener,
  port: number,
): Promise<{ servers: Server[]; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const v4 = createServer(handler)
    const actual = await listen(v4, port, '127.0.0.1')
    const v6 = createServer(handler)
    try {
      await listen(v6, actual, '::1')
      return { servers: [v4, v6], port: actual }
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')
        return { servers: [v4], port: actual }
      await new Promise((done) => v4.close(done))
      // The free IPv4 port is taken on ::1: with port 0, try another one.
      if (port !== 0 || attempt >= 5) throw error
    }
  }
}
