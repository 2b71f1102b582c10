import { describe, expect, it } from 'vitest'
import { parseCommand, type RelayConfig } from '../../relay/config.ts'
import { LOOPBACK_VAPID_SUBJECT, chooseVapidSubject } from '../../relay/push/vapid-subject.ts'

function config (argv: string[], env: Record<string, string> = {}): RelayConfig {
  const command = parseCommand(argv, env, '/srv/murmur')
  if (command.kind !== 'run') throw new Error('expected a run command')
  return command.config
}

describe('the VAPID subject a relay gives push services', () => {
  it('is the local postmaster on loopback, with nothing to tell the operator', () => {
    expect(chooseVapidSubject(config([]))).toEqual({ subject: LOOPBACK_VAPID_SUBJECT })
    expect(chooseVapidSubject(config(['--host', '::1', '--port', '9000']))).toEqual({ subject: LOOPBACK_VAPID_SUBJECT })
  })

  it('is the one given, from the flag or the environment, with nothing to say', () => {
    expect(chooseVapidSubject(config(['--public-host', 'chat.example.org', '--vapid-subject', 'mailto:ops@example.org'])))
      .toEqual({ subject: 'mailto:ops@example.org' })
    expect(chooseVapidSubject(config(['--host', '0.0.0.0'], { MURMUR_VAPID_SUBJECT: 'https://example.org/contact' })))
      .toEqual({ subject: 'https://example.org/contact' })
  })

  it('is the public https origin when a public host is announced, and the operator is asked once for their own', () => {
    const behindProxy = chooseVapidSubject(config(['--host', '0.0.0.0', '--public-host', 'chat.example.org']))
    expect(behindProxy.subject).toBe('https://chat.example.org')
    expect(behindProxy.notice).toMatch(/no --vapid-subject.*https:\/\/chat\.example\.org.*set --vapid-subject \(MURMUR_VAPID_SUBJECT\)/)
    const ownTls = config(['--public-host', 'chat.example.org', '--port', '8443', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'])
    expect(chooseVapidSubject(ownTls).subject).toBe('https://chat.example.org:8443')
    expect(chooseVapidSubject(config(['--public-host', '2001:db8::1'])).subject).toBe('https://[2001:db8::1]')
  })

  it('asks the operator when the relay serves beyond loopback with no public host', () => {
    for (const argv of [['--host', '0.0.0.0'], ['--announce', '/dns4/relay.example/tcp/443/wss']]) {
      const choice = chooseVapidSubject(config(argv))
      expect(choice.subject).toBe(LOOPBACK_VAPID_SUBJECT)
      expect(choice.notice).toMatch(/no --vapid-subject.*Apple's refuses.*set --vapid-subject/)
    }
  })

  it('picks only subjects that --vapid-subject itself accepts (RFC 8292: mailto: or https:)', () => {
    for (const argv of [[], ['--public-host', 'chat.example.org'], ['--public-host', '2001:db8::1', '--port', '8443', '--tls-cert', 'c', '--tls-key', 'k']]) {
      const { subject } = chooseVapidSubject(config(argv))
      expect(config([...argv, '--vapid-subject', subject]).push.vapidSubject).toBe(subject)
    }
  })
})
