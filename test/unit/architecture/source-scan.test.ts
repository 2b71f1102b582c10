import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO, importsOf, importsUnder, layerOf, packageOf, show } from './source-scan.ts'

/** The scanner the layer rules stand on: a form it misread would let an import through. */
// Each scan parses every source file: seconds on a loaded 2-core machine, beyond vitest's 5 s default.
describe('the import scanner', { timeout: 60_000 }, () => {
  const file = 'src/ui/state/example.svelte.ts'
  const text = `
import {
  type A,
  type B
} from '../../net/multi-line.ts'
import { type C, D } from '../../store/mixed.ts'
import type E from '../../app/type-default.ts'
import './side-effect.css'
import url from '../../crypto/asset.ts?url'
export { F } from '../../core/re-export.ts'
export type { G } from '../../core/type-re-export.ts'
export * from '../../diagnostics/star.ts'
type H = import('../../net/type-position.ts').H
// import nope from '../../net/line-comment.ts'
/* import nope from '../../net/block-comment.ts' */
const s = "import('../../net/in-a-string.ts')"
export async function later () {
  return await import(
    '../../net/dynamic.ts'
  )
}
import { libp2p } from 'libp2p'
import { kad } from '@libp2p/kad-dht/dist/src/x.js'
`
  const found = importsOf(file, text)

  it('reads every form of import and export, and none in comments or strings', () => {
    expect(found.map((i) => [i.from, i.kind, i.typeOnly])).toEqual([
      ['../../net/multi-line.ts', 'import', true],
      ['../../store/mixed.ts', 'import', false],
      ['../../app/type-default.ts', 'import', true],
      ['./side-effect.css', 'import', false],
      ['../../crypto/asset.ts?url', 'import', false],
      ['../../core/re-export.ts', 'export', false],
      ['../../core/type-re-export.ts', 'export', true],
      ['../../diagnostics/star.ts', 'export', false],
      ['../../net/type-position.ts', 'type-position', true],
      ['../../net/dynamic.ts', 'dynamic', false],
      ['libp2p', 'import', false],
      ['@libp2p/kad-dht/dist/src/x.js', 'import', false]
    ])
  })

  it('resolves paths to layers and bare specifiers to packages', () => {
    expect(found.map((i) => i.layer ?? i.pkg)).toEqual([
      'net', 'store', 'app', 'ui', 'crypto', 'core', 'core', 'diagnostics', 'net', 'net', 'libp2p', '@libp2p/kad-dht'
    ])
    expect(found[0]!.target).toBe('src/net/multi-line.ts')
    expect(found[4]!.target).toBe('src/crypto/asset.ts')
    expect(show(found.slice(0, 1))).toEqual(['src/ui/state/example.svelte.ts:2 -> ../../net/multi-line.ts (type only)'])
  })

  it('reads every script block of a Svelte component, with its line numbers', () => {
    const component = `<script module lang="ts">
  export { x } from '../../app/a.ts'
</script>

<script lang="ts">
  import type { Y } from '../../net/b.ts'
</script>

<p>import z from '../../store/c.ts'</p>
`
    expect(show(importsOf('src/ui/components/X.svelte', component))).toEqual([
      'src/ui/components/X.svelte:2 -> ../../app/a.ts',
      'src/ui/components/X.svelte:6 -> ../../net/b.ts (type only)'
    ])
  })

  it('names layers and packages', () => {
    expect(['src/core/a.ts', 'src/main.ts', 'src/web-app-manifest.ts', 'src/ui/x/Y.svelte', 'relay/push/a.ts', 'patches/p.ts', 'vite.config.ts']
      .map(layerOf)).toEqual(['core', 'main', 'src', 'ui', 'relay', 'patches', 'root'])
    expect(['@noble/curves/ed25519.js', 'svelte/store', 'node:fs/promises', 'idb']
      .map(packageOf)).toEqual(['@noble/curves', 'svelte', 'node:fs/promises', 'idb'])
    expect(importsOf('src/vite-env.d.ts', '/// <reference types="vite/client" />\n/// <reference path="other.d.ts" />\n')
      .map((i) => [i.pkg ?? i.target, i.kind, i.typeOnly])).toEqual([['src/other.d.ts', 'reference', true], ['vite', 'reference', true]])
  })

  it('finds every file a relative import in src/ and relay/ names, and no computed import', () => {
    const { files, imports } = importsUnder('src', 'relay', 'patches')
    expect(files.filter((f) => f.endsWith('.svelte')).length).toBeGreaterThan(10)
    expect(imports.filter((i) => i.target != null).length).toBeGreaterThan(300)
    expect(show(imports.filter((i) => i.target != null && !existsSync(join(REPO, i.target))))).toEqual([])
    expect(show(imports.filter((i) => i.from === '<computed>'))).toEqual([])
  })
})
