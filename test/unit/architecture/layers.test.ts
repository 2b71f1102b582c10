import { describe, expect, it } from 'vitest'
import { importsUnder, show, type Import, type Layer } from './source-scan.ts'

/**
 * The dependency rule of docs/ARCHITECTURE.md ("Layers and where things live"), one rule
 * per `it`. Imports are resolved to the file they name, so `../net/x.ts` from src/app and
 * `../../src/net/x.ts` from relay/ are both the net layer. A type-only import counts like
 * any other. Each rule also checks that its scan found files and imports, so it cannot pass
 * on an empty or misread tree.
 */

/** libp2p and the formats that come with it. */
const LIBP2P = /^(libp2p$|@libp2p\/|@multiformats\/|@chainsafe\/)/
/** IndexedDB and the datastores behind the DHT. */
const STORAGE = /^(idb$|datastore-|interface-datastore$|fake-indexeddb$|level$|classic-level$)/
/** Packages that hold a UI framework, a service worker runtime or a build's virtual modules. */
const DOM_FRAMEWORK = /^(svelte$|@sveltejs\/|workbox-|vite-plugin-pwa$|virtual:)/

/**
 * Packages core may use: pure code that runs unchanged in Node and the browser, with no I/O.
 * A package joins this list only by that test.
 */
const PURE_PACKAGES = new Set(['uint8arrays'])

/** The imports of `imports` that reach a file outside `allowed` layers. */
function outside (imports: Import[], allowed: Layer[]): Import[] {
  return imports.filter((i) => i.layer != null && !allowed.includes(i.layer))
}

/** The scan found files, imports, and at least one import into each of `reaches`. */
function expectScanned (scan: { files: string[], imports: Import[] }, reaches: Array<Layer | RegExp>): void {
  expect(scan.files.length, 'files scanned').toBeGreaterThan(0)
  for (const target of reaches) {
    const found = scan.imports.some((i) => typeof target === 'string' ? i.layer === target : i.pkg != null && target.test(i.pkg))
    expect(found, `the scan finds an import of ${String(target)}`).toBe(true)
  }
}

// Each scan parses every source file: seconds on a loaded 2-core machine, beyond vitest's 5 s default.
describe('the dependency rule', { timeout: 60_000 }, () => {
  it('src/core imports only core and crypto, and only pure packages', () => {
    const scan = importsUnder('src/core')
    expectScanned(scan, ['core', 'crypto'])
    expect(show(outside(scan.imports, ['core', 'crypto']))).toEqual([])
    expect(show(scan.imports.filter((i) => i.pkg != null && !PURE_PACKAGES.has(i.pkg)))).toEqual([])
  })

  it('src/crypto imports only crypto, @noble/* and pure packages', () => {
    const scan = importsUnder('src/crypto')
    expectScanned(scan, ['crypto', /^@noble\//])
    expect(show(outside(scan.imports, ['crypto']))).toEqual([])
    expect(show(scan.imports.filter((i) => i.pkg != null && !i.pkg.startsWith('@noble/') && !PURE_PACKAGES.has(i.pkg)))).toEqual([])
  })

  it('core and crypto import no libp2p, storage, DOM framework or Node built-in', () => {
    // Implied by the two rules above; spelled out so a widened PURE_PACKAGES cannot let these in.
    const scan = importsUnder('src/core', 'src/crypto')
    expectScanned(scan, [/^uint8arrays$/])
    const forbidden = [LIBP2P, STORAGE, DOM_FRAMEWORK, /^node:/]
    expect(show(scan.imports.filter((i) => i.pkg != null && forbidden.some((re) => re.test(i.pkg!))))).toEqual([])
  })

  it('only src/crypto imports @noble/*', () => {
    const scan = importsUnder('src', 'relay', 'patches')
    expectScanned(scan, [/^@noble\//])
    const offenders = scan.imports.filter((i) => i.pkg?.startsWith('@noble/') === true && !i.file.startsWith('src/crypto/'))
    expect(show(offenders)).toEqual([])
  })

  it('src/diagnostics imports nothing from the repository but its own files', () => {
    const scan = importsUnder('src/diagnostics')
    expectScanned(scan, ['diagnostics'])
    expect(show(outside(scan.imports, ['diagnostics']))).toEqual([])
  })

  it('src/ui imports only ui, app, core and diagnostics: never net, store or crypto, nor libp2p or storage packages', () => {
    const scan = importsUnder('src/ui')
    expectScanned(scan, ['ui', 'app', 'core', 'diagnostics', /^svelte$/])
    expect(show(outside(scan.imports, ['ui', 'app', 'core', 'diagnostics']))).toEqual([])
    const forbidden = [LIBP2P, STORAGE, /^@noble\//, /^node:/]
    expect(show(scan.imports.filter((i) => i.pkg != null && forbidden.some((re) => re.test(i.pkg!))))).toEqual([])
  })

  it('src/main.ts imports only ui, app, core and diagnostics, and no libp2p or storage package', () => {
    const scan = importsUnder('src/main.ts')
    expectScanned(scan, ['ui'])
    expect(show(outside(scan.imports, ['ui', 'app', 'core', 'diagnostics']))).toEqual([])
    const forbidden = [LIBP2P, STORAGE, /^@noble\//, /^node:/]
    expect(show(scan.imports.filter((i) => i.pkg != null && forbidden.some((re) => re.test(i.pkg!))))).toEqual([])
  })

  it('src/net imports only net, core, crypto and diagnostics: never app, ui or store', () => {
    const scan = importsUnder('src/net')
    expectScanned(scan, ['net', 'core', 'crypto', 'diagnostics', LIBP2P])
    expect(show(outside(scan.imports, ['net', 'core', 'crypto', 'diagnostics']))).toEqual([])
  })

  it('src/store imports only store, core, crypto and diagnostics: never app, ui or net', () => {
    const scan = importsUnder('src/store')
    expectScanned(scan, ['store', 'core', /^idb$/])
    expect(show(outside(scan.imports, ['store', 'core', 'crypto', 'diagnostics']))).toEqual([])
  })

  it('src/app never imports ui (nor main, sw or relay)', () => {
    const scan = importsUnder('src/app')
    expectScanned(scan, ['app', 'core', 'net', 'store', 'diagnostics'])
    expect(show(outside(scan.imports, ['app', 'net', 'store', 'core', 'crypto', 'diagnostics']))).toEqual([])
  })

  it('the service worker (src/sw) imports nothing from app, net, store or ui', () => {
    const scan = importsUnder('src/sw')
    expectScanned(scan, ['sw', /^workbox-/])
    expect(show(outside(scan.imports, ['sw', 'core', 'crypto', 'diagnostics']))).toEqual([])
  })

  it('relay/ never imports src/app, src/ui, src/store or src/sw', () => {
    const scan = importsUnder('relay')
    expectScanned(scan, ['relay', 'net', 'core'])
    expect(show(outside(scan.imports, ['relay', 'net', 'core', 'crypto', 'diagnostics', 'patches']))).toEqual([])
  })
})
