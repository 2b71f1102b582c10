import { readFile, readdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join, posix } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface ChunkSize {
  file: string
  bytes: number
  gzip: number
  /** Number of libp2p modules (libp2p, @libp2p/*) the chunk's source map lists. */
  libp2pModules: number
}

export interface BundleReport {
  /** Scripts and modulepreloads index.html references, plus their static imports. */
  initial: ChunkSize[]
  all: ChunkSize[]
  initialGzip: number
  allGzip: number
  libp2pInInitial: boolean
  /** Chunks that hold libp2p (normally the lazily imported network chunk). */
  libp2pChunks: string[]
}

const LIBP2P_SOURCE = /node_modules\/(?:libp2p|@libp2p\/[^/]+)\//

/** The JS a browser fetches before first paint: `<script src>` and `<link rel=modulepreload>`. */
export function initialScripts (html: string): string[] {
  const refs: string[] = []
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/g) ?? []) {
    const isScript = tag.startsWith('<script') && /\bsrc=/.test(tag)
    const isPreload = tag.startsWith('<link') && /\brel=["']?modulepreload/.test(tag)
    if (!isScript && !isPreload) continue
    const ref = /\b(?:src|href)=["']?([^"'\s>]+)/.exec(tag)?.[1]
    if (ref != null && ref.endsWith('.js')) refs.push(ref.replace(/^\//, ''))
  }
  return refs
}

/**
 * Relative static imports of a built chunk (`import{..}from"./x.js"`, `import"./x.js"`).
 * Dynamic `import("./x.js")` is deliberately not matched: that is the lazy part.
 */
export function staticImports (code: string): string[] {
  const found = new Set<string>()
  for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.\/[^"']+\.js)["']/g)) found.add(m[1]!)
  return [...found]
}

async function sizeOf (distDir: string, file: string): Promise<ChunkSize> {
  const code = await readFile(join(distDir, file))
  let libp2pModules = 0
  const mapFile = join(distDir, `${file}.map`)
  if (existsSync(mapFile)) {
    const map = JSON.parse(await readFile(mapFile, 'utf8')) as { sources?: string[] }
    libp2pModules = (map.sources ?? []).filter((s) => LIBP2P_SOURCE.test(s)).length
  } else if (code.includes('/libp2p/circuit/relay/')) {
    // No source map: a protocol id only libp2p's circuit relay carries.
    libp2pModules = 1
  }
  return { file, bytes: code.length, gzip: gzipSync(code).length, libp2pModules }
}

export async function measureBundle (distDir: string): Promise<BundleReport> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8')
  const initialFiles = new Set<string>()
  const queue = initialScripts(html)
  while (queue.length > 0) {
    const file = queue.shift()!
    if (initialFiles.has(file)) continue
    initialFiles.add(file)
    const code = await readFile(join(distDir, file), 'utf8')
    for (const rel of staticImports(code)) queue.push(posix.join(posix.dirname(file), rel))
  }
  const assetFiles = (await readdir(join(distDir, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`)
  const all = await Promise.all(assetFiles.sort().map(async (f) => sizeOf(distDir, f)))
  const initial = all.filter((c) => initialFiles.has(c.file))
  const sum = (chunks: ChunkSize[]): number => chunks.reduce((s, c) => s + c.gzip, 0)
  return {
    initial,
    all,
    initialGzip: sum(initial),
    allGzip: sum(all),
    libp2pInInitial: initial.some((c) => c.libp2pModules > 0),
    libp2pChunks: all.filter((c) => c.libp2pModules > 0).map((c) => c.file)
  }
}
