/**
 * Command-line flags and environment variables of the daemon. Flags win over the environment;
 * everything has a default so `pnpm demo:daemon` needs none.
 */
import { parseArgs } from 'node:util'

export interface CliOptions {
  /** Emulator origin (`https://localhost:8443`); unset: the demo's emulator if it runs, else a private one. */
  emulatorUrl: string | undefined
  /** PEM file of the emulator's certificate; unset: `.cae-emulator/` beside the demo, or the private emulator's. */
  caFile: string | undefined
  /** Milliseconds between two API calls. */
  intervalMs: number
  /** Stop after this many calls; 0 runs until Ctrl-C. */
  maxIterations: number
  /** Where the demo keeps its emulator certificate. */
  stateDir: string
  help: boolean
}

export const usage = `Usage: cae-example-daemon [options]

Polls GET /messages on the cae-kit emulator's API with a client-credentials token (msal-node,
CP1) through cae-kit's fetch wrapper, logging every call and every CAE claims challenge.

Options (environment variable in brackets):
  --emulator <url>        emulator origin [CAE_EMULATOR_URL]
                          default: the \`pnpm demo\` emulator on https://localhost:8443 if it
                          runs, else a private emulator on a free port
  --ca <file>             PEM certificate to trust for the emulator [CAE_EMULATOR_CA]
                          default: <state-dir>/cert.pem for the demo emulator
  --interval <ms>         pause between calls [CAE_DAEMON_INTERVAL_MS] (default 2000)
  --max-iterations <n>    stop after n calls, 0 = never [CAE_DAEMON_MAX_ITERATIONS] (default 0)
  --state-dir <dir>       the demo's emulator state [CAE_EMULATOR_STATE_DIR] (default .cae-emulator)
  -h, --help              show this help

Exit codes: 0 done (max iterations or Ctrl-C), 2 access blocked (e.g. service principal
disabled), 1 any other failure.`

/** Reads `argv` (without node and the script) and `env`. Throws a TypeError on a bad value. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      emulator: { type: 'string' },
      ca: { type: 'string' },
      interval: { type: 'string' },
      'max-iterations': { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  return {
    emulatorUrl: (values.emulator ?? env.CAE_EMULATOR_URL)?.replace(/\/+$/, '') || undefined,
    caFile: values.ca ?? env.CAE_EMULATOR_CA ?? undefined,
    intervalMs: count('--interval', values.interval ?? env.CAE_DAEMON_INTERVAL_MS, 2000),
    maxIterations: count(
      '--max-iterations',
      values['max-iterations'] ?? env.CAE_DAEMON_MAX_ITERATIONS,
      0,
    ),
    stateDir: values['state-dir'] ?? env.CAE_EMULATOR_STATE_DIR ?? '.cae-emulator',
    help: values.help ?? false,
  }
}

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new TypeError(`${name} must be a non-negative integer, got "${value}"`)
  }
  return parsed
}
