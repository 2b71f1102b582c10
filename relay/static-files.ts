import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, posix, sep } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
}

export function contentTypeOf (path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Vite puts content-hashed files under /assets/: they never change, so browsers may keep
 * them for a year. Everything else (index.html, the service worker, the manifest) must be
 * revalidated, or a deploy would never reach people.
 */
export function cacheControlOf (urlPath: string): string {
  return urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'
}

export type AppPath =
  | { kind: 'file', urlPath: string, filePath: string }
  | { kind: 'bad' }

/**
 * Maps a request path to a file inside `appDir`, or `bad` for anything that could escape
 * it: `..` segments (also percent-encoded), backslashes, NUL, malformed escapes.
 */
export function resolveAppPath (appDir: string, rawPath: string): AppPath {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath.split('?')[0]!)
  } catch {
    return { kind: 'bad' }
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad' }
  if (decoded.split('/').includes('..')) return { kind: 'bad' }
  const urlPath = posix.normalize(decoded)
  const filePath = join(appDir, urlPath)
  if (filePath !== appDir && !filePath.startsWith(appDir + sep)) return { kind: 'bad' }
  return { kind: 'file', urlPath, filePath }
}

/** A path whose last segment has no extension is an app route (`/chat/alice`), not a file. */
function isAppRoute (urlPath: string): boolean {
  return extname(posix.basename(urlPath)) === ''
}

async function fileInfo (path: string): Promise<{ size: number, mtime: Date } | undefined> {
  try {
    const s = await stat(path)
    return s.isFile() ? { size: s.size, mtime: s.mtime } : undefined
  } catch {
    return undefined
  }
}

function sendText (res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' })
  res.end(text + '\n')
}

/** What an app route answers when the relay has no app to serve (the path stays in the log). */
export const NO_APP = [
  'This Murmur relay serves no app: its app directory holds no index.html.',
  'If the relay runs alone, open Murmur where its operator hosts the app.',
  'To serve the app from here, run `npm run build` (or `npm start`, which builds it) and reload this page.'
].join('\n')

/** Serves the built app: files as they are, app routes as index.html (SPA fallback). */
export async function serveApp (appDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const resolved = resolveAppPath(appDir, req.url ?? '/')
  if (resolved.kind === 'bad') {
    sendText(res, 400, 'Bad request path.')
    return
  }
  let { urlPath, filePath } = resolved
  let file = await fileInfo(filePath)
  if (file == null) {
    if (!isAppRoute(urlPath)) {
      sendText(res, 404, 'Not found.')
      return
    }
    urlPath = '/index.html'
    filePath = join(appDir, 'index.html')
    file = await fileInfo(filePath)
    if (file == null) {
      sendText(res, 404, NO_APP)
      return
    }
  }

  const etag = `W/"${file.size.toString(16)}-${file.mtime.getTime().toString(16)}"`
  const headers = {
    'Content-Type': contentTypeOf(filePath),
    'Cache-Control': cacheControlOf(urlPath),
    ETag: etag
  }
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  res.writeHead(200, { ...headers, 'Content-Length': file.size })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(filePath)
    .on('error', () => res.destroy())
    .pipe(res)
}
