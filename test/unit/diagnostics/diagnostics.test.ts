import { describe, expect, it } from 'vitest'
import { Diagnostics, EVENTS_KEPT_PER_NAME, LOG_ENTRIES_KEPT, formatMessage } from '../../../src/diagnostics/index.ts'

describe('diagnostics', () => {
  it('formats %s arguments and what is left over; errors by name and message, bytes by length', () => {
    expect(formatMessage('dialled %s after %d ms', ['peer-a', 12])).toBe('dialled peer-a after 12 ms')
    expect(formatMessage('put failed', [new TypeError('boom')])).toBe('put failed TypeError: boom')
    expect(formatMessage('got %s', [new Uint8Array(32)])).toBe('got <32 bytes>')
    expect(formatMessage('plain', [])).toBe('plain')
  })

  it('keeps every component\'s lines, levelled and in order, and no more than the bound', () => {
    let now = 1_000
    const diagnostics = new Diagnostics({ now: () => now++ })
    const outbox = diagnostics.forComponent('murmur:outbox')
    outbox('sent %s', 'm1')
    outbox.error('mailbox write failed', new Error('no peers'))
    expect(diagnostics.entries()).toEqual([
      { at: 1_000, component: 'murmur:outbox', level: 'info', message: 'sent m1' },
      { at: 1_001, component: 'murmur:outbox', level: 'error', message: 'mailbox write failed no peers' }
    ])
    for (let i = 0; i < LOG_ENTRIES_KEPT + 10; i++) outbox('line %s', i)
    const kept = diagnostics.entries()
    expect(kept).toHaveLength(LOG_ENTRIES_KEPT)
    expect(kept.at(-1)?.message).toBe(`line ${LOG_ENTRIES_KEPT + 9}`)
  })

  it('records typed events per name with their time, tells listeners, and keeps a bounded number', () => {
    let clock = 5
    const diagnostics = new Diagnostics({ clock: () => clock++ })
    const heard: string[] = []
    const stop = diagnostics.listen((event) => { heard.push(event.name) })
    diagnostics.emit('mailbox:put', { ms: 3, holders: 2, bytes: 400, entries: 1 })
    diagnostics.emit('link:direct', { userId: 'u1' })
    stop()
    diagnostics.emit('link:direct', { userId: 'u2' })
    expect(heard).toEqual(['mailbox:put', 'link:direct'])
    expect(diagnostics.events('mailbox:put')).toEqual([{ name: 'mailbox:put', detail: { ms: 3, holders: 2, bytes: 400, entries: 1 }, at: 5 }])
    expect(diagnostics.events('link:direct').map((e) => e.detail.userId)).toEqual(['u1', 'u2'])
    for (let i = 0; i < EVENTS_KEPT_PER_NAME + 5; i++) diagnostics.emit('group:duplicates', { count: i })
    expect(diagnostics.events('group:duplicates')).toHaveLength(EVENTS_KEPT_PER_NAME)
    expect(diagnostics.events('group:duplicates')[0]?.detail.count).toBe(5)
  })
})
