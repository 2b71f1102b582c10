import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { iceConfiguration, turnCredential, turnServers } from '../../relay/ice-servers.ts'

/** base64(HMAC-SHA1(key, message)) computed by openssl, not by node:crypto. */
function opensslHmacSha1Base64 (key: string, message: string): string {
  const hex = execFileSync('openssl', ['dgst', '-sha1', '-hmac', key, '-r'], { input: message }).toString().split(' ')[0]!
  return Buffer.from(hex, 'hex').toString('base64')
}

const BASE = {
  stunUrls: [] as string[],
  turnUrls: [] as string[],
  turnSecret: undefined as string | undefined,
  turnCredentialTtlSeconds: 3600,
  iceTransportPolicy: 'all' as const
}

describe('TURN REST API credentials', () => {
  it('matches HMAC-SHA1 computed by openssl for the same secret and username', () => {
    const { username, credential } = turnCredential('north-wind-secret', 1_800_000_000, 'tab1')
    expect(username).toBe('1800000000:tab1')
    expect(credential).toBe(opensslHmacSha1Base64('north-wind-secret', '1800000000:tab1'))
  })

  it('matches a value worked out by hand with Python, so a shared mistake with openssl would show', () => {
    // python3 -c "import hmac,hashlib,base64; print(base64.b64encode(hmac.new(b'secret',
    //   b'1700000000:murmur', hashlib.sha1).digest()).decode())"
    expect(turnCredential('secret', 1_700_000_000, 'murmur').credential).toBe('qQanvr2CDxI+KDLsHH/8XmpqLns=')
  })

  it('hands out no ICE servers at all by default', () => {
    expect(iceConfiguration(BASE)).toEqual({ iceServers: [], iceTransportPolicy: 'all' })
  })

  it('names the TURN servers in the served configuration without any credential', () => {
    const config = { ...BASE, stunUrls: ['stun:turn.example.org'], turnUrls: ['turn:turn.example.org:3478?transport=udp'], turnSecret: 's' }
    expect(iceConfiguration(config)).toEqual({
      iceServers: [{ urls: ['stun:turn.example.org'] }, { urls: ['turn:turn.example.org:3478?transport=udp'] }],
      iceTransportPolicy: 'all'
    })
  })

  it('gives each request over libp2p a credential that expires ttl seconds from now, under its own label', () => {
    const config = { ...BASE, turnUrls: ['turn:turn.example.org:3478?transport=udp'], turnSecret: 's' }
    const labels = ['a', 'b']
    const now = 1_750_000_000_500
    expect(turnServers(config, now, () => labels.shift()!)).toEqual([
      { urls: ['turn:turn.example.org:3478?transport=udp'], username: '1750003600:a', credential: opensslHmacSha1Base64('s', '1750003600:a') }
    ])
    expect(turnServers(config, now, () => labels.shift()!)[0]!.username).toBe('1750003600:b')
    expect(turnServers(BASE)).toEqual([])
  })
})
