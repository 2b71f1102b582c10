import type { LogLevel } from './config.ts'

export interface RelayLog {
  error: (message: string) => void
  info: (message: string) => void
  debug: (message: string) => void
}

const RANK: Record<LogLevel, number> = { error: 0, info: 1, debug: 2 }

/**
 * One line per event on stderr (stdout carries only the lines a person or a script reads
 * to find the relay). Callers pass peer ids, counts and addresses, never record contents.
 */
export function createLog (
  level: LogLevel,
  write: (line: string) => void = (line) => { process.stderr.write(line) },
  now: () => Date = () => new Date()
): RelayLog {
  const at = (wanted: LogLevel) => (message: string): void => {
    if (RANK[wanted] <= RANK[level]) write(`${now().toISOString()} ${wanted} ${message}\n`)
  }
  return { error: at('error'), info: at('info'), debug: at('debug') }
}
