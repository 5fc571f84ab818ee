#!/usr/bin/env node
/** Bin entry of `cae-emulator`: runs the CLI and stops cleanly on SIGINT/SIGTERM. */
import { runCli } from './cli-run'

const io = {
  log: (line: string) => console.log(line),
  error: (line: string) => console.error(line),
}

runCli(process.argv.slice(2), io).then(
  (idp) => {
    if (!idp) return
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      io.log(`\n${signal}: stopping`)
      idp.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
  },
  (error: unknown) => {
    const code = (error as { code?: string }).code
    io.error(`cae-emulator: ${(error as Error).message ?? String(error)}`)
    if (code === 'EADDRINUSE')
      io.error('the port is in use: pick another with --port N (0 = any free port)')
    process.exit(code === 'ERR_EMULATOR_INVALID_ARGUMENT' ? 2 : 1)
  },
)
