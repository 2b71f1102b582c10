import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Every import specifier in every .ts/.svelte file under `dir`, with its file. */
function imports (dir: string): Array<{ file: string, from: string }> {
  const out: Array<{ file: string, from: string }> = []
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|svelte)$/.test(entry.name)) continue
    const file = join(entry.parentPath, entry.name)
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      out.push({ file, from: match[1] ?? match[2]! })
    }
  }
  return out
}

describe('the layering DESIGN.md asks for', () => {
  it('only src/crypto imports @noble/*', () => {
    const offenders = imports('src').filter((i) => i.from.startsWith('@noble/') && !i.file.startsWith('src/crypto/'))
    expect(offenders).toEqual([])
    // The scan itself works: src/crypto does import noble.
    expect(imports('src/crypto').some((i) => i.from.startsWith('@noble/'))).toBe(true)
  })

  it('src/core and src/crypto import no DOM framework, libp2p, idb or Svelte, and nothing from the layers above', () => {
    const forbidden = /^(libp2p|@libp2p\/|idb|svelte|datastore-|interface-datastore|@multiformats\/)|\/(app|net|store|ui)\//
    const offenders = [...imports('src/core'), ...imports('src/crypto')].filter((i) => forbidden.test(i.from))
    expect(offenders).toEqual([])
    expect(imports('src/core').length).toBeGreaterThan(20)
  })
})
