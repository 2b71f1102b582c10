import { describe, expect, it } from 'vitest'
import { addressGroup, formatIp, inPrefix, parseIp, unmapIpv4 } from '../../../src/core/ip-address.ts'

const text = (s: string): string | undefined => { const ip = parseIp(s); return ip === undefined ? undefined : formatIp(ip) }

describe('IP addresses', () => {
  it('reads every spelling of one address as the same bytes', () => {
    for (const s of ['::ffff:127.0.0.1', '[::ffff:7f00:1]', '0:0:0:0:0:ffff:127.0.0.1', '::FFFF:7F00:0001']) {
      expect(text(s), s).toBe('0:0:0:0:0:ffff:7f00:1')
    }
    expect(text('::1')).toBe('0:0:0:0:0:0:0:1')
    expect(text('fe80::1%eth0')).toBe('fe80:0:0:0:0:0:0:1')
    expect(text('203.0.113.9')).toBe('203.0.113.9')
  })

  it('refuses what is not one address', () => {
    for (const s of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '256.0.0.1', '1::2::3', ':::1', '1:2:3:4:5:6:7:8:9', 'abcde::1', 'localhost', '127.1', '0x7f.0.0.1']) {
      expect(parseIp(s), s).toBeUndefined()
    }
  })

  it('groups addresses by network, IPv4-mapped ones as IPv4', () => {
    expect(addressGroup('203.0.113.9', 24, 56)).toBe('203.0.113.0/24')
    expect(addressGroup('::ffff:203.0.113.9', 24, 56)).toBe('203.0.113.0/24')
    expect(addressGroup('2001:db8:1:2ff::1', 24, 56)).toBe('2001:db8:1:200:0:0:0:0/56')
    expect(addressGroup('2001:db8:1:2ff::1', 24, 64)).toBe('2001:db8:1:2ff:0:0:0:0/64')
    expect(addressGroup('nonsense', 24, 56)).toBeUndefined()
  })

  it('tells whether an address is in a network', () => {
    const v4 = parseIp('10.1.2.3')!
    expect(inPrefix(v4, parseIp('10.0.0.0')!, 8)).toBe(true)
    expect(inPrefix(v4, parseIp('11.0.0.0')!, 8)).toBe(false)
    expect(inPrefix(unmapIpv4(parseIp('::ffff:10.1.2.3')!), parseIp('10.0.0.0')!, 8)).toBe(true)
    expect(inPrefix(parseIp('fd12::1')!, parseIp('fc00::')!, 7)).toBe(true)
    expect(inPrefix(v4, parseIp('::')!, 0)).toBe(false)
  })
})
