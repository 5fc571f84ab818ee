/**
 * A fleet of daemon processes (`worker.ts`, forked) that the demo, the fleet tests and the
 * benchmark drive: start N of them against an emulator, with or without a Redis coordinator, fire
 * a storm of concurrent calls in every process at once, kill one, close them all.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  AcquisitionReport,
  FromWorker,
  RequestResult,
  ToWorker,
  WorkerConfig,
} from './protocol'

/** Where the daemons find the emulator (a `RunningEmulator` has all of these). */
export interface FleetEmulator {
  authority: string
  apiUrl: string
  caCertPem: string
  apiScopes: { app: string }
}

/** Options of {@link startFleet}. */
export interface FleetOptions {
  emulator: FleetEmulator
  clientId: string
  clientSecret: string
  /** Number of daemon processes. @default 8 */
  size?: number
  /** Redis URL: every daemon coordinates through it. @default undefined (no coordinator) */
  redisUrl?: string
  /** The coordinator's namespace. @default the client id */
  namespace?: string
  /** The fleet's encryption key (32 bytes, base64). @default a random key for this fleet */
  encryptionKey?: string
  lockTtlMs?: number
  waitTimeoutMs?: number
  /** The daemon script. @default `worker.js` beside this module */
  workerScript?: string
  /** Extra Node flags of the daemons. @default [] */
  execArgv?: string[]
}

/** One storm: each process's calls, in process order. */
export interface StormResult {
  results: RequestResult[][]
  /** Each process's own acquisitions and fallbacks, in process order (none for a dead one). */
  acquisitions: AcquisitionReport[]
  /** Wall time of the whole storm, in milliseconds. */
  ms: number
}

/** A running fleet. */
export interface Fleet {
  readonly size: number
  /** Processes still alive, by index. */
  alive(): number[]
  /**
   * Every live process fires `requests` concurrent calls at once; resolves with each process's
   * results (a process killed meanwhile reports none).
   */
  storm(requests: number): Promise<StormResult>
  /** Calls `listener(index)` each time a process asks Entra itself; returns the undo function. */
  onAcquiring(listener: (index: number) => void): () => void
  /** SIGKILLs process `index` (no goodbye: what a crashed pod does). */
  kill(index: number): void
  /** Closes every process (SIGKILL after a grace period). */
  close(): Promise<void>
}

const defaultWorker = () => fileURLToPath(new URL('./worker.js', import.meta.url))

/** Forks the daemons and resolves once every one is ready (connected to Redis if given). */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const size = options.size ?? 8
  const script = options.workerScript ?? defaultWorker()
  const encryptionKey = options.encryptionKey ?? randomBytes(32).toString('base64')
  // The daemons trust the emulator's certificate the way Node allows for its own fetch: a file
  // named by NODE_EXTRA_CA_CERTS, read at start-up.
  const caDir = await mkdtemp(join(tmpdir(), 'cae-fleet-'))
  const caFile = join(caDir, 'emulator-ca.pem')
  await writeFile(caFile, options.emulator.caCertPem)
  const listeners = new Set<(index: number) => void>()
  const pending = new Map<
    number,
    { left: number; results: RequestResult[][]; acquisitions: AcquisitionReport[] }
  >()
  let nextStorm = 0
  const children: ChildProcess[] = []
  const settle: Array<() => void> = []

  for (let index = 0; index < size; index++) {
    const config: WorkerConfig = {
      index,
      authority: options.emulator.authority,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      apiUrl: options.emulator.apiUrl,
      scopes: [options.emulator.apiScopes.app],
      namespace: options.namespace ?? options.clientId,
      encryptionKey,
      ...(options.redisUrl !== undefined && { redisUrl: options.redisUrl }),
      ...(options.lockTtlMs !== undefined && { lockTtlMs: options.lockTtlMs }),
      ...(options.waitTimeoutMs !== undefined && { waitTimeoutMs: options.waitTimeoutMs }),
    }
    const child = fork(script, [], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        CAE_FLEET_WORKER: JSON.stringify(config),
      },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    children.push(child)
    // A send to a process that just died fails with an 'error' event; its exit is handled below.
    child.on('error', () => {})
    child.on('message', (message: FromWorker) => {
      if (message.type === 'acquiring') for (const listener of listeners) listener(index)
      if (message.type === 'storm') {
        const storm = pending.get(message.id)
        if (!storm) return
        storm.results[index] = message.results
        storm.acquisitions[index] = message.acquisitions
        storm.left--
        if (storm.left === 0) settle[message.id]?.()
      }
    })
    // A process that dies mid-storm reports nothing: the storm stops waiting for it.
    child.on('exit', () => {
      for (const [id, storm] of pending) {
        if (storm.results[index] === undefined) {
          storm.results[index] = []
          storm.acquisitions[index] = { provider: 0, fallbacks: [] }
          storm.left--
          if (storm.left === 0) settle[id]?.()
        }
      }
    })
  }
  await Promise.all(
    children.map(
      (child, index) =>
        new Promise<void>((resolve, reject) => {
          const onMessage = (message: FromWorker) => {
            if (message.type !== 'ready') return
            child.off('exit', onExit)
            child.off('message', onMessage)
            resolve()
          }
          const onExit = (code: number | null) => {
            reject(new Error(`fleet daemon ${index} exited with ${code} before it was ready`))
          }
          child.on('message', onMessage)
          child.once('exit', onExit)
        }),
    ),
  ).catch(async (error: unknown) => {
    for (const child of children) child.kill('SIGKILL')
    await rm(caDir, { recursive: true, force: true })
    throw error
  })

  const isAlive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null

  return {
    size,
    alive: () => children.flatMap((child, index) => (isAlive(child) ? [index] : [])),
    async storm(requests) {
      const id = nextStorm++
      const live = children.filter(isAlive)
      // A slot stays empty until its process reports (or dies: then it gets no results).
      const results = children.map((child) =>
        isAlive(child) ? undefined : [],
      ) as RequestResult[][]
      const acquisitions = children.map(() => ({ provider: 0, fallbacks: [] }) as AcquisitionReport)
      const done = new Promise<void>((resolve) => {
        settle[id] = resolve
      })
      pending.set(id, { left: live.length, results, acquisitions })
      const started = performance.now()
      const order: ToWorker = { type: 'storm', id, requests }
      for (const child of live) child.send(order)
      if (live.length > 0) await done
      pending.delete(id)
      return { results, acquisitions, ms: performance.now() - started }
    },
    onAcquiring(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    kill(index) {
      children[index]?.kill('SIGKILL')
    },
    async close() {
      await Promise.all(
        children.map(async (child) => {
          if (!isAlive(child)) return
          const exited = once(child, 'exit')
          child.send({ type: 'close' } satisfies ToWorker)
          const timer = setTimeout(() => child.kill('SIGKILL'), 2_000)
          await exited
          clearTimeout(timer)
        }),
      )
      await rm(caDir, { recursive: true, force: true })
    },
  }
}

/** Every call of a storm, flattened. */
export function allResults(storm: StormResult): RequestResult[] {
  return storm.results.flat()
}
