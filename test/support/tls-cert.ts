import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface TestCertificate {
  certFile: string
  keyFile: string
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiHash: string
  /** SHA-256 fingerprint of the whole certificate, as node:tls reports it. */
  fingerprint256: string
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by openssl (as an operator
 * would make a test certificate), into `dir` under `name`.pem / `name`-key.pem.
 */
export function makeLocalhostCertificate (dir: string, name = 'localhost'): TestCertificate {
  const certFile = join(dir, `${name}.pem`)
  const keyFile = join(dir, `${name}-key.pem`)
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'
  ], { stdio: 'ignore' })
  const cert = new X509Certificate(readFileSync(certFile))
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' })
  return {
    certFile,
    keyFile,
    spkiHash: createHash('sha256').update(spki).digest('base64'),
    fingerprint256: cert.fingerprint256
  }
}
