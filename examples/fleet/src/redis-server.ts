/**
 * A throw-away `redis-server` on a free loopback port, persistence off: started for the demo, the
 * fleet tests and the benchmark, stopped after. It can be stopped and started again on the same
 * port, to show a fleet riding out a Redis outage.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer, Socket } from 'node:net'

/** What to run when `redis-server` is missing. */
export const REDIS_INSTALL_HINT =
  'redis-server was not found (on PATH, or at REDIS_SERVER). Install it: `sudo apt-get install -y redis-server` (Debian, Ubuntu), `brew install redis` (macOS), or set REDIS_SERVER to its path.'

/** `redis-server` is not installed (the hint says how to install it). */
export class RedisServerMissingError extends Error {
  readonly code = 'ERR_REDIS_SERVER_MISSING'
  constructor() {
    super(REDIS_INSTALL_HINT)
    this.name = 'RedisServerMissingError'
  }
}

/** A running redis-server that can be stopped and started again on its port. */
export interface LocalRedis {
  /** `redis://127.0.0.1:<port>`. */
  url: string
  port: number
  /** Stops the server (SIGKILL: nothing to save, and clients see an abrupt outage). */
  stop(): Promise<void>
  /** Starts it again on the same port, empty. */
  start(): Promise<void>
  /** Stops it for good. */
  close(): Promise<void>
}

/** The redis-server binary: `REDIS_SERVER`, else `redis-server` on PATH; throws when missing. */
export function findRedisServer(): string {
  const binary = process.env.REDIS_SERVER || 'redis-server'
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) throw new RedisServerMissingError()
  return binary
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (!address || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/** Resolves once something accepts TCP connections on `port` (within `timeoutMs`). */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = new Socket()
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
      socket.connect(port, '127.0.0.1')
    })
    if (connected) return
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Starts `redis-server` on a free port with persistence off. Throws RedisServerMissingError. */
export async function startRedis(): Promise<LocalRedis> {
  const binary = findRedisServer()
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    const started = spawn(binary, args, { stdio: 'ignore' })
    child = started
    const early = new Promise<never>((_, reject) => {
      started.once('exit', (code) => {
        reject(new Error(`redis-server exited with ${code} before listening on ${port}`))
      })
    })
    early.catch(() => {}) // an exit after start-up (stop()) is nobody's error
    await Promise.race([waitForPort(port, 5_000), early])
  }
  const stop = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = once(running, 'exit')
    running.kill('SIGKILL')
    await exited
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, stop, start, close: stop }
}
