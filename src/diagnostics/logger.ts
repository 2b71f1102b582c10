/**
 * A small logger per component, in the style of js-libp2p's `logger.forComponent(name)`:
 * `log('dialled %s', peer)` for what happened, `log.error('put failed', err)` for what went
 * wrong. Lines go to a sink (the tab's diagnostics buffer, which Settings → Diagnostics
 * shows, and a sink may also print them: Diagnostics' `echo`). Callers pass ids,
 * counts and reasons, never message text or keys.
 */

export type LogLevel = 'info' | 'error'

export interface LogEntry {
  /** Milliseconds since the epoch. */
  at: number
  component: string
  level: LogLevel
  message: string
}

export interface Logger {
  (message: string, ...args: unknown[]): void
  error: (message: string, ...args: unknown[]) => void
}

export interface ComponentLogger {
  forComponent: (component: string) => Logger
}

export type LogSink = (entry: LogEntry) => void

/** `%s`-style arguments, then any left over, each made short and printable. */
export function formatMessage (message: string, args: readonly unknown[]): string {
  const rest = [...args]
  const text = message.replace(/%[sdo]/g, () => rest.length > 0 ? describe(rest.shift()) : '')
  return rest.length === 0 ? text : `${text} ${rest.map(describe).join(' ')}`
}

/** An error by its name and message (its stack stays out of the buffer); anything else as text. */
export function describe (value: unknown): string {
  if (value instanceof Error) return value.name === 'Error' ? value.message : `${value.name}: ${value.message}`
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return `<${value.length} bytes>`
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export function createComponentLogger (sink: LogSink, now: () => number = Date.now): ComponentLogger {
  return {
    forComponent: (component) => {
      const write = (level: LogLevel) => (message: string, ...args: unknown[]): void => {
        sink({ at: now(), component, level, message: formatMessage(message, args) })
      }
      return Object.assign(write('info'), { error: write('error') })
    }
  }
}

/** For tests and tools that want no output. */
export const silentLogger: ComponentLogger = createComponentLogger(() => {})
