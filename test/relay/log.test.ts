import { describe, expect, it } from 'vitest'
import { componentLog, createLog } from '../../relay/log.ts'

describe('the relay log as a component logger for shared code', () => {
  const at = (): Date => new Date(Date.UTC(2026, 11, 5))

  it('writes what happened at debug and what went wrong as an error, named by component', () => {
    const lines: string[] = []
    const log = componentLog(createLog('debug', (line) => { lines.push(line) }, at), 'dht')
    log('could not add %s: %s', 'peer-1', new Error('gone'))
    log.error('failed', new TypeError('bad'))
    expect(lines).toEqual([
      '2026-12-05T00:00:00.000Z debug dht: could not add peer-1: gone\n',
      '2026-12-05T00:00:00.000Z error dht: failed TypeError: bad\n'
    ])
  })

  it('keeps its lines out of a log at info', () => {
    const lines: string[] = []
    componentLog(createLog('info', (line) => { lines.push(line) }, at), 'dht')('routine')
    expect(lines).toEqual([])
  })
})
