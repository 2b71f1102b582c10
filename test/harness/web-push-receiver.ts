import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:https'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'

/**
 * Stands in for a browser vendor's push service, which is unreachable here: an https
 * server on 127.0.0.1 (web-push only speaks https) with a self-signed certificate made for
 * this test. The relay trusts it through NODE_EXTRA_CA_CERTS in the relay's environment,
 * for that process only; the relay's own TLS checks stay as they are.
 */
export interface PushReceiver {
  origin: string
  /** PEM file of the self-signed certificate, for NODE_EXTRA_CA_CERTS. */
  certificatePath: string
  received: ReceivedPush[]
  /** The HTTP status the receiver answers on `path`: 201 unless told otherwise. */
  answer: (path: string, status: number) => void
  close: () => Promise<void>
}

export interface ReceivedPush {
  path: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export async function startPushReceiver (): Promise<PushReceiver> {
  const dir = await mkdtemp(join(tmpdir(), 'murmur-push-receiver-'))
  const keyPath = join(dir, 'key.pem')
  const certificatePath = join(dir, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certificatePath, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  const received: ReceivedPush[] = []
  const answers = new Map<string, number>()
  const server: Server = createServer({ key: await readFile(keyPath), cert: await readFile(certificatePath) }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? '/'
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(answers.get(path) ?? 201)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    certificatePath,
    received,
    answer: (path, status) => { answers.set(path, status) },
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** A browser's side of a push subscription: its P-256 key pair and auth secret. */
export interface TestSubscriber {
  ecdh: ECDH
  auth: Buffer
  /** PushSubscription.toJSON() shape. */
  json: (endpoint: string) => { endpoint: string, keys: { p256dh: string, auth: string } }
}

export function createTestSubscriber (): TestSubscriber {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16)
  return {
    ecdh,
    auth,
    json: (endpoint) => ({ endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } })
  }
}

/**
 * Decrypts an `aes128gcm` push message body (RFC 8188 content coding, keyed per RFC 8291
 * section 3.4) with the subscriber's private key and auth secret. Written from the RFCs
 * for this test, independently of web-push. Throws if anything fails to authenticate.
 */
export function decryptPushBody (subscriber: TestSubscriber, body: Buffer): Buffer {
  // RFC 8188 section 2.1: salt (16) | rs (uint32) | idlen (1) | keyid (idlen) | records.
  const salt = body.subarray(0, 16)
  const recordSize = body.readUInt32BE(16)
  const idLength = body[20]!
  // RFC 8291 section 4: the keyid is the application server's ephemeral public key.
  const senderPublic = body.subarray(21, 21 + idLength)
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not a 65-byte P-256 point`)
  const records = body.subarray(21 + idLength)
  if (records.length > recordSize) throw new Error('more than one record: a push this small fits in one')

  // RFC 8291 section 3.3 and 3.4: combine the ECDH secret with the auth secret.
  const ecdhSecret = subscriber.ecdh.computeSecret(senderPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), subscriber.ecdh.getPublicKey(), senderPublic])
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, subscriber.auth, keyInfo, 32))
  // RFC 8188 section 2.2 and 2.3: content encryption key and nonce from the salt.
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))

  // One record, sequence number 0: the nonce is used as derived.
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(records.subarray(records.length - 16))
  const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()])
  // RFC 8188 section 2: data, then a delimiter (2 for the last record), then zero padding.
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error('the last record does not end with the delimiter 0x02')
  return padded.subarray(0, end)
}

export interface VapidClaims {
  aud: string
  exp: number
  sub: string
}

/**
 * Checks an RFC 8292 `Authorization: vapid t=<JWT>, k=<key>` header: the key is the one
 * given, the ES256 signature verifies with it, and returns the claims for the caller to check.
 */
export function verifyVapidHeader (header: string | undefined, vapidPublicKey: string): VapidClaims {
  const match = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(header ?? '')
  if (match == null) throw new Error(`not a vapid Authorization header: ${header}`)
  const [, jwt, k] = match as unknown as [string, string, string]
  if (k !== vapidPublicKey) throw new Error('the header carries another public key than the relay announces')
  const [headerPart, claimsPart, signaturePart] = jwt.split('.') as [string, string, string]
  const jwtHeader = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'))
  if (jwtHeader.alg !== 'ES256') throw new Error(`JWT alg is ${jwtHeader.alg}, not ES256`)
  const point = Buffer.from(vapidPublicKey, 'base64url')
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk'
  })
  // JWS ES256 (RFC 7518 section 3.4): the signature is r || s, 64 bytes.
  const signed = verify('sha256', Buffer.from(`${headerPart}.${claimsPart}`), { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signaturePart, 'base64url'))
  if (!signed) throw new Error('the VAPID JWT signature does not verify with the relay\'s public key')
  return JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')) as VapidClaims
}
