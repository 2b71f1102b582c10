import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https'
import type { TLSCertificate } from '@libp2p/interface'
import { serveApp } from './static-files.ts'
import { METRICS_CONTENT_TYPE } from './metrics.ts'
import { contentSecurityPolicy } from './content-security-policy.ts'
import { handlePushRequest, isPushPath } from './push/push-routes.ts'
import type { PushGateway } from './push/push-gateway.ts'

export interface HttpRoutes {
  appDir: string
  /** Both answer from counters, never from a walk over the datastore (relay/relay-stats.ts). */
  health: () => unknown
  metrics: () => string
  appConfig: () => unknown
  /** POST /push/*: the Web Push gateway (relay/push/). */
  push: PushGateway
  /** The requester's address, for per-address limits (relay/client-address.ts). */
  clientAddress: (req: IncomingMessage) => string
  onError: (err: unknown) => void
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': contentSecurityPolicy()
}

function sendJson (res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}

async function route (routes: HttpRoutes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!
  if (isPushPath(path)) {
    await handlePushRequest(routes.push, path, req, res, routes.clientAddress(req))
    return
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Only GET and HEAD are served here.\n')
    return
  }
  switch (path) {
    case '/health':
      sendJson(res, routes.health())
      return
    case '/metrics':
      res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' })
      res.end(routes.metrics())
      return
    case '/murmur-config.json':
      sendJson(res, routes.appConfig())
      return
    default:
      await serveApp(routes.appDir, req, res)
  }
}

/**
 * The relay's web face: the built app, its configuration, /health and /metrics; over
 * HTTPS when it holds a certificate (swap it later with `setSecureContext`).
 */
export function createHttpServer (routes: HttpRoutes, tls?: TLSCertificate): Server | TlsServer {
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    if (tls != null) res.setHeader('Strict-Transport-Security', 'max-age=31536000')
    route(routes, req, res).catch((err: unknown) => {
      routes.onError(err)
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end()
    })
  }
  return tls != null ? createTlsServer(tls, handle) : createServer(handle)
}
