import type { LogLevel } from './config.ts'
import { formatMessage, type Logger } from '../src/diagnostics/index.ts'

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

/**
 * A logger in the shape shared code takes (src/diagnostics) that writes to the relay's log:
 * what happened at debug, what went wrong as an error, each line named by its component.
 */
export function componentLog (log: RelayLog, component: string): Logger {
  const line = (message: string, args: unknown[]): string => `${component}: ${formatMessage(message, args)}`
  return Object.assign(
    (message: string, ...args: unknown[]): void => { log.debug(line(message, args)) },
    { error: (message: string, ...args: unknown[]): void => { log.error(line(message, args)) } }
  )
}
