/** A child process whose output lines can be awaited, with a bounded life. */
import { type ChildProcess, spawn } from 'node:child_process'

export interface Watched {
  child: ChildProcess
  /** stdout and stderr lines so far, in arrival order (each prefixed `out:` or `err:`). */
  lines: string[]
  /** Resolves with the index of the first line at or after `from` matching `pattern`. */
  waitForLine(pattern: RegExp, from?: number, timeoutMs?: number): Promise<number>
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>
  kill(): void
}

/** Spawns `node script ...args` and records its output line by line. */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv): Watched {
  const child = spawn(process.execPath, [script, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const listeners = new Set<() => void>()
  const collect = (prefix: string) => {
    let rest = ''
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n')
      rest = parts.pop() ?? ''
      for (const part of parts) lines.push(`${prefix}${part}`)
      for (const listener of listeners) listener()
    }
  }
  child.stdout?.on('data', collect('out: '))
  child.stderr?.on('data', collect('err: '))
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  return {
    child,
    lines,
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL')
    },
    waitForLine(pattern, from = 0, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = lines.findIndex((line, i) => i >= from && pattern.test(line))
          if (index < 0) return false
          cleanup()
          resolve(index)
          return true
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`),
          )
        }, timeoutMs)
        const onExit = () => {
          if (!check()) {
            cleanup()
            reject(new Error(`exited before a line matching ${pattern}:\n${lines.join('\n')}`))
          }
        }
        const cleanup = () => {
          clearTimeout(timer)
          listeners.delete(check)
          child.off('exit', onExit)
        }
        listeners.add(check)
        child.on('exit', onExit)
        check()
      })
    },
  }
}
