import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { kadDhtPutFromPatch, patchKadDhtPutFrom } from '../../../patches/kad-dht-put-from.ts'
import { PUT_FROM_OPTION } from '../../../src/net/put-from.ts'

const INSTALLED = 'node_modules/@libp2p/kad-dht/dist/src/rpc/handlers/put-value.js'

describe('@libp2p/kad-dht PUT sender patch', () => {
  it('the installed package loads the file the patch targets', () => {
    // The package exports only ".", whose dist/src/index.js reaches the handler through rpc/index.js.
    const pkg = JSON.parse(readFileSync('node_modules/@libp2p/kad-dht/package.json', 'utf8'))
    expect(pkg.exports['.'].import).toBe('./dist/src/index.js')
    expect(readFileSync('node_modules/@libp2p/kad-dht/dist/src/rpc/index.js', 'utf8')).toContain('from "./handlers/put-value.js"')
  })

  it('still applies to the installed version, and changes only the datastore put', () => {
    const source = readFileSync(INSTALLED, 'utf8')
    const patched = patchKadDhtPutFrom(source)
    const added = `, { ${PUT_FROM_OPTION}: peerId }`
    expect(patched).toContain(`deserializedRecord.serialize().subarray()${added});`)
    expect(patched.replace(added, '')).toBe(source)
    // `peerId` is the handler's first parameter: the remote peer of the stream.
    expect(source).toMatch(/async handle\(peerId, msg\) \{/)
  })

  it('is what the Vite plugin applies to that file, and only to it', () => {
    const plugin = kadDhtPutFromPatch() as { transform: (code: string, id: string) => { code: string } | null }
    const source = readFileSync(INSTALLED, 'utf8')
    expect(plugin.transform(source, `/x/${INSTALLED}?v=1`)?.code).toBe(patchKadDhtPutFrom(source))
    expect(plugin.transform(source, '/x/node_modules/@libp2p/kad-dht/dist/src/rpc/handlers/get-value.js')).toBeNull()
  })

  it('is what the relay\'s Node module hook applies to that file, and only to it', async () => {
    // A specifier in a variable: the hook is plain JavaScript for Node, without type declarations.
    const hookModule = '../../../relay/patch-hooks.mjs'
    const { load } = await import(hookModule) as { load: (url: string, context: object, next: () => Promise<{ format: string, source: unknown }>) => Promise<{ source: unknown }> }
    const source = readFileSync(INSTALLED, 'utf8')
    const next = async (): Promise<{ format: string, source: unknown }> => ({ format: 'module', source: new TextEncoder().encode(source) })
    expect((await load(pathToFileURL(resolve(INSTALLED)).href, {}, next)).source).toBe(patchKadDhtPutFrom(source))
    const other = pathToFileURL(resolve('node_modules/@libp2p/kad-dht/dist/src/rpc/handlers/get-value.js')).href
    expect((await load(other, {}, next)).source).toBeInstanceOf(Uint8Array)
  })

  it('fails loudly when the upstream code moved', () => {
    expect(() => patchKadDhtPutFrom('export const nothing = 1')).toThrow(/PatchDidNotApply|changed/)
  })
})
