import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { stopChild } from './child-process.ts'

export interface RunningCoturn {
  port: number
  /** The shared secret (coturn's static-auth-secret) the relay derives credentials from. */
  secret: string
  output: () => string
  stop: () => Promise<void>
}

/** Sends STUN Binding requests (RFC 8489 section 5) until one is answered: coturn is serving. */
async function waitForStun (port: number, timeoutMs: number, output: () => string): Promise<void> {
  const socket = createSocket('udp4')
  const request = Buffer.alloc(20)
  request.writeUInt16BE(0x0001, 0) // Binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4) // magic cookie
  randomBytes(12).copy(request, 8)
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => { clearInterval(retry); reject(new Error(`coturn did not answer STUN on 127.0.0.1:${port}:\n${output()}`)) }, timeoutMs)
      socket.on('message', (msg) => {
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101) { clearTimeout(deadline); clearInterval(retry); resolve() }
      })
      const send = (): void => { socket.send(request, port, '127.0.0.1') }
      const retry = setInterval(send, 200)
      send()
    })
  } finally {
    socket.close()
  }
}

/**
 * Debian's coturn, started for one test on loopback with REST-API credentials
 * (use-auth-secret): no config file, no CLI, no TLS, its state in a temp directory.
 * allow-loopback-peers is needed because both browsers' addresses are 127.0.0.1.
 */
export async function startCoturn (): Promise<RunningCoturn> {
  const dir = await mkdtemp(join(tmpdir(), 'murmur-coturn-'))
  const port = await freePort()
  const secret = randomBytes(24).toString('base64url')
  const child = spawn('turnserver', [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    '--min-port=49160', '--max-port=49400', '--use-auth-secret', `--static-auth-secret=${secret}`,
    '--realm=murmur.test', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
    '--log-file=stdout', `--pidfile=${join(dir, 'turnserver.pid')}`, `--db=${join(dir, 'turndb')}`
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += String(chunk) })
  child.stderr.on('data', (chunk) => { output += String(chunk) })
  const stop = async (): Promise<void> => {
    await stopChild(child)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitForStun(port, 15_000, () => output)
  } catch (err) {
    await stop()
    throw err
  }
  return { port, secret, output: () => output, stop }
}
