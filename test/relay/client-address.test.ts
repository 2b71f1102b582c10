import { describe, expect, it } from 'vitest'
import type { IncomingMessage } from 'node:http'
import { clientAddress, clientEndpointHook, parseTrustedProxy } from '../../relay/client-address.ts'

const proxies = ['127.0.0.1', '10.0.0.0/8', '::1'].map((p) => parseTrustedProxy(p)!)
const request = (remoteAddress: string, headers: Record<string, string | string[]> = {}): IncomingMessage =>
  ({ socket: { remoteAddress, remotePort: 5555 }, headers }) as unknown as IncomingMessage

describe('the client address behind a trusted proxy', () => {
  it('reads trusted proxy entries: addresses and networks, nothing else', () => {
    expect(parseTrustedProxy('10.0.0.0/8')).toMatchObject({ bits: 8 })
    expect(parseTrustedProxy('::1')).toMatchObject({ bits: 128 })
    for (const bad of ['', 'proxy.example', '10.0.0.0/33', '::/129', '10.0.0.0/8/1', '1.2.3.4/x']) expect(parseTrustedProxy(bad), bad).toBeUndefined()
  })

  it('believes X-Real-IP, else the last X-Forwarded-For entry, from a trusted proxy only', () => {
    expect(clientAddress(request('127.0.0.1', { 'x-real-ip': '198.51.100.1', 'x-forwarded-for': '192.0.2.9' }), proxies)).toBe('198.51.100.1')
    expect(clientAddress(request('::ffff:10.1.2.3', { 'x-forwarded-for': '192.0.2.9, 198.51.100.2' }), proxies)).toBe('198.51.100.2')
    expect(clientAddress(request('::1', { 'x-forwarded-for': '2001:db8::7' }), proxies)).toBe('2001:db8:0:0:0:0:0:7')
    // Anyone else's header is their own claim.
    expect(clientAddress(request('198.51.100.50', { 'x-real-ip': '127.0.0.1' }), proxies)).toBe('198.51.100.50')
    expect(clientAddress(request('127.0.0.1', { 'x-real-ip': '1.2.3.4' }), [])).toBe('127.0.0.1')
  })

  it('falls back to the socket when the proxy sent nothing usable', () => {
    expect(clientAddress(request('127.0.0.1', { 'x-real-ip': 'unknown' }), proxies)).toBe('127.0.0.1')
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '' }), proxies)).toBe('127.0.0.1')
    expect(clientEndpointHook(proxies)(request('127.0.0.1'))).toBeUndefined()
    expect(clientEndpointHook(proxies)(request('127.0.0.1', { 'x-real-ip': '203.0.113.4' }))).toEqual(['203.0.113.4', 5555])
  })
})
