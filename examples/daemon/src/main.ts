#!/usr/bin/env node
/**
 * `pnpm demo:daemon` / `cae-example-daemon`: finds the emulator, runs the daemon until it is
 * stopped (Ctrl-C, max iterations) or blocked, and exits 0 (done), 2 (blocked) or 1 (failure).
 */
import { runDaemon } from './daemon'
import { findEmulator } from './emulator'
import { readOptions, usage } from './options'

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`)

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2), process.env)
  if (options.help) {
    console.log(usage)
    return 0
  }
  const target = await findEmulator(options)
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    log(
      `daemon: polling ${target.settings.apiUrl}/messages every ${options.intervalMs} ms on ${target.description}`,
    )
    const outcome = await runDaemon({
      ...target.settings,
      intervalMs: options.intervalMs,
      maxIterations: options.maxIterations,
      signal: controller.signal,
      log,
    })
    if (outcome.status === 'blocked') {
      console.error(
        `daemon: stopped, access blocked (${outcome.code}): ${outcome.message}. ` +
          'The tenant no longer issues tokens to this application (service principal disabled?): ' +
          'retrying cannot help until an administrator re-enables it.',
      )
      return 2
    }
    log(`daemon: done after ${outcome.iterations} calls`)
    return 0
  } finally {
    await target.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`daemon: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
