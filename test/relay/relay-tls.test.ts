import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { connect, type TLSSocket } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeLocalhostCertificate, type TestCertificate } from '../support/tls-cert.ts'
import { runRelay, startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'

/** Opens a TLS connection (the test certificates are self-signed: no verification here). */
async function openTls (port: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => { resolve(socket) })
    socket.once('error', reject)
  })
}

async function servedFingerprint (port: number): Promise<string> {
  const socket = await openTls(port)
  try {
    return socket.getPeerX509Certificate()!.fingerprint256
  } finally {
    socket.destroy()
  }
}

/** One HTTP/1.1 request on an open socket; resolves with the status line. */
async function statusLine (socket: TLSSocket, path: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk) => { resolve(String(chunk).split('\r\n')[0]!) })
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
  })
}

async function waitForOutput (relay: RelayProcess, text: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000
  while (relay.output().split(text).length - 1 < count) {
    if (Date.now() > deadline) throw new Error(`relay never said "${text}":\n${relay.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('a relay with its own certificate', () => {
  let dir: string
  let first: TestCertificate
  let second: TestCertificate
  let relay: RelayProcess
  let httpsPort: number
  let wssPort: number
  const certFile = (): string => join(dir, 'live.pem')
  const keyFile = (): string => join(dir, 'live-key.pem')

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'murmur-relay-tls-'))
    first = makeLocalhostCertificate(dir, 'first')
    second = makeLocalhostCertificate(dir, 'second')
    await copyFile(first.certFile, certFile())
    await copyFile(first.keyFile, keyFile())
    relay = await startRelayProcess(['--data', join(dir, 'data'), '--app', dir, '--tls-cert', certFile(), '--tls-key', keyFile()])
    httpsPort = Number(new URL(relay.url).port)
    wssPort = Number(/\/tcp\/(\d+)\/tls\/ws\//.exec(relay.relayAddr)![1])
  })

  afterAll(async () => {
    await relay?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves HTTPS and wss with it, and says so in its addresses', async () => {
    expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/)
    expect(relay.relayAddr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\/12D3KooW\w+$/)
    expect(await servedFingerprint(httpsPort)).toBe(first.fingerprint256)
    expect(await servedFingerprint(wssPort)).toBe(first.fingerprint256)
  })

  it('takes a renewed certificate on SIGHUP without restarting or dropping open connections, and keeps it when the new files are bad', async () => {
    const open = await openTls(httpsPort)
    const openToWss = await openTls(wssPort)
    const pid = relay.child.pid
    await copyFile(second.certFile, certFile())
    await copyFile(second.keyFile, keyFile())
    relay.child.kill('SIGHUP')
    await waitForOutput(relay, 'SIGHUP: TLS certificate reloaded', 1)

    expect(await servedFingerprint(httpsPort)).toBe(second.fingerprint256)
    expect(await servedFingerprint(wssPort)).toBe(second.fingerprint256)
    expect(relay.child.exitCode).toBeNull()
    expect(relay.child.pid).toBe(pid)
    // Connections made before the reload are still served.
    expect(open.destroyed).toBe(false)
    expect(openToWss.destroyed).toBe(false)
    expect(await statusLine(open, '/health')).toBe('HTTP/1.1 200 OK')
    open.destroy()
    openToWss.destroy()

    // A key that does not belong to the certificate: refused with a sentence, old pair kept.
    await copyFile(first.keyFile, keyFile())
    relay.child.kill('SIGHUP')
    await waitForOutput(relay, 'cannot be used together', 1)
    expect(relay.output()).toContain('The previous certificate stays in use.')
    expect(await servedFingerprint(httpsPort)).toBe(second.fingerprint256)
    expect(relay.child.exitCode).toBeNull()
  })

  it('refuses to start, with one sentence, when the certificate cannot be read', async () => {
    const run = await runRelay(['--port', '0', '--data', join(dir, 'data-missing'), '--tls-cert', join(dir, 'missing.pem'), '--tls-key', keyFile()])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`Could not read the TLS certificate ${join(dir, 'missing.pem')} (ENOENT)`)
  })
})
