import { ConfigError } from '../src/core/errors.ts'

/** A whole number in [min, max]; `source` names the flag or variable in the error. */
export function parseInteger (value: string, source: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${source} must be a whole number, got "${value}".`)
  const n = Number(value)
  if (n < min || n > max) throw new ConfigError(`${source} must be between ${min} and ${max}, got ${value}.`)
  return n
}

export const parsePort = (value: string, source: string): number => parseInteger(value, source, 0, 65535)

/** Comma-separated values, blanks dropped. */
export const splitList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '')
