// The relay's own TLS: one certificate for the HTTPS server (the app, /murmur-config.json)
// and for the libp2p wss listener, read at start and again on SIGHUP.
import { readFile } from 'node:fs/promises'
import { createSecureContext } from 'node:tls'
import type { TLSCertificate } from '@libp2p/interface'
import { errorMessage, propertyOf } from '../src/diagnostics/index.ts'

export class TlsError extends Error {
  override name = 'TlsError'
}

/** Reads a PEM certificate chain and its key, and checks that they belong together. */
export async function readTlsFiles (certFile: string, keyFile: string): Promise<TLSCertificate> {
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8')
    } catch (err) {
      throw new TlsError(`Could not read the TLS ${what} ${path} (${String(propertyOf(err, 'code') ?? errorMessage(err))}): check the path and that the relay's user may read it.`)
    }
  }
  const certificate = { cert: await read(certFile, 'certificate'), key: await read(keyFile, 'key') }
  try {
    createSecureContext(certificate)
  } catch (err) {
    throw new TlsError(`The TLS certificate ${certFile} and key ${keyFile} cannot be used together (${errorMessage(err)}).`)
  }
  return certificate
}

interface CertificateComponents {
  events: { safeDispatchEvent: (type: 'certificate:renew', init: { detail: TLSCertificate }) => boolean }
}

/**
 * A libp2p service whose one job is to hand a renewed certificate to the websockets
 * listener. The listener takes new certificates from the node's internal event bus
 * (`certificate:renew`, the path libp2p's auto-tls uses); events dispatched on the node
 * itself do not reach that bus, a service's components do. Open connections keep their
 * TLS session; new ones get the new certificate.
 */
export class CertificateRenewal {
  constructor (private readonly components: CertificateComponents) {}

  renew (certificate: TLSCertificate): void {
    this.components.events.safeDispatchEvent('certificate:renew', { detail: certificate })
  }
}

export function certificateRenewal (): (components: CertificateComponents) => CertificateRenewal {
  return (components) => new CertificateRenewal(components)
}
