import type { IncomingMessage, ServerResponse } from 'node:http'
import type { PushGateway } from './push-gateway.ts'
import { parsePokeRequest, parseRegisterRequest, parseRenewRequest, parseRevokeRequest, PushRequestError } from './push-requests.ts'

/** A subscription is a few hundred bytes; nothing the gateway accepts comes near this. */
export const MAX_PUSH_BODY_BYTES = 4096

/** Reads a JSON body of at most MAX_PUSH_BODY_BYTES; a larger one is cut off and refused. */
async function readJson (req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  // Only JSON: a cross-site HTML form cannot send it without a CORS preflight we never answer.
  if (type !== 'application/json') throw new PushRequestError(415, 'Send the request body as application/json.')
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_PUSH_BODY_BYTES) {
    req.resume()
    throw new PushRequestError(400, `The request body is larger than ${MAX_PUSH_BODY_BYTES} bytes.`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_PUSH_BODY_BYTES) {
      req.resume()
      throw new PushRequestError(400, `The request body is larger than ${MAX_PUSH_BODY_BYTES} bytes.`)
    }
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new PushRequestError(400, 'The request body is not valid JSON.')
  }
}

function reply (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}

const ACTIONS: Record<string, (gateway: PushGateway, body: unknown, client: string) => Promise<[number, unknown]>> = {
  '/push/register': async (gateway, body, client) => [201, await gateway.register(parseRegisterRequest(body, gateway.allowPrivateEndpoints), client)],
  '/push/revoke': async (gateway, body) => {
    const { token, revokeSecret } = parseRevokeRequest(body)
    await gateway.revoke(token, revokeSecret)
    return [200, { revoked: true }]
  },
  '/push/renew': async (gateway, body) => {
    const { token, revokeSecret } = parseRenewRequest(body)
    await gateway.renew(token, revokeSecret)
    return [200, { renewed: true }]
  },
  '/push/poke': async (gateway, body) => {
    await gateway.poke(parsePokeRequest(body).token)
    return [200, { sent: true }]
  }
}

/**
 * A sender pokes its contact's gateway, which is often another relay than the one that
 * served the sender's page: /push/poke alone answers cross-origin requests. Any origin, and
 * no credentials: the token in the body is the whole authority, there is no cookie or
 * session to ride on, and the answer says only whether a push went out. Register, revoke and renew
 * stay same-origin (no CORS headers), so no other site can script them in a browser.
 */
const POKE_CORS = { 'Access-Control-Allow-Origin': '*' }
const POKE_PREFLIGHT = {
  ...POKE_CORS,
  'Access-Control-Allow-Methods': 'POST',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '86400'
}

export function isPushPath (path: string): boolean {
  return Object.hasOwn(ACTIONS, path)
}

/** POST /push/register, /push/revoke, /push/renew, /push/poke (docs/PROTOCOL.md, "Push gateway"). */
export async function handlePushRequest (gateway: PushGateway, path: string, req: IncomingMessage, res: ServerResponse, client: string): Promise<void> {
  const cors = path === '/push/poke' ? POKE_CORS : {}
  if (req.method === 'OPTIONS' && path === '/push/poke') {
    res.writeHead(204, { ...POKE_PREFLIGHT, 'Cache-Control': 'no-store' })
    res.end()
    return
  }
  try {
    if (req.method !== 'POST') throw new PushRequestError(405, `${path} takes POST only.`, { Allow: 'POST' })
    const [status, body] = await ACTIONS[path]!(gateway, await readJson(req), client)
    reply(res, status, body, cors)
  } catch (err) {
    if (!(err instanceof PushRequestError)) throw err
    // The sender's page reads the status (429, 404) to know what happened to its poke.
    reply(res, err.status, { error: err.message }, { ...err.headers, ...cors, ...(err.headers['Retry-After'] != null ? { 'Access-Control-Expose-Headers': 'Retry-After' } : {}) })
  }
}
