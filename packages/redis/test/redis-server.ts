/**
 * A real `redis-server` for the tests: started on a free port with persistence off, stopped
 * after. Tests that take Redis away mid-run (stop, restart) get a server of their own.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll } from 'vitest'

/** A running server. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops it (SIGKILL when `crash`); resolves once the process exited. */
  stop(crash?: boolean): Promise<void>
  /** Starts it again on the same port (after `stop`), empty. */
  start(): Promise<void>
  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void
  /** Thaws it (SIGCONT). */
  resume(): void
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start on ${port}: ${output}`))
    }, 10_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`cannot run redis-server (apt-get install redis-server): ${error.message}`))
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
  })
}

/** Starts a server on a free port. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop(crash = false) {
      const running = child
      child = undefined
      if (running === undefined || running.exitCode !== null) return
      running.kill('SIGCONT')
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
      running.kill(crash ? 'SIGKILL' : 'SIGTERM')
      await exited
    },
    async start() {
      if (child === undefined) child = await launch(port)
    },
    pause() {
      child?.kill('SIGSTOP')
    },
    resume() {
      child?.kill('SIGCONT')
    },
  }
}

/** One server for the test file: started before its tests, stopped after. */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server?.stop()
  })
  return () => {
    if (server === undefined) throw new Error('redis-server is not started yet')
    return server
  }
}
