import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CLIENT_ENDPOINT_HOOK, patchWebsocketsClientAddress } from '../../../patches/websockets-client-address.ts'

const INSTALLED = 'node_modules/@libp2p/websockets/dist/src/listener.js'

describe('@libp2p/websockets client address patch', () => {
  it('still applies to the installed version, and changes only the remote address', () => {
    const source = readFileSync(INSTALLED, 'utf8')
    const patched = patchWebsocketsClientAddress(source)
    expect(patched).toContain(`this.httpOptions?.${CLIENT_ENDPOINT_HOOK}?.(req)`)
    expect(patched.split('\n').length).toBe(source.split('\n').length)
    // The hook's object is what the transport was given as `http`.
    expect(source).toContain('this.httpOptions = init.http;')
  })

  it('is what the relay\'s Node module hook applies to that file, and only to it', async () => {
    const hookModule = '../../../relay/patch-hooks.mjs'
    const { load } = await import(hookModule) as { load: (url: string, context: object, next: () => Promise<{ format: string, source: unknown }>) => Promise<{ source: unknown }> }
    const source = readFileSync(INSTALLED, 'utf8')
    const next = async (): Promise<{ format: string, source: unknown }> => ({ format: 'module', source: new TextEncoder().encode(source) })
    expect((await load(pathToFileURL(resolve(INSTALLED)).href, {}, next)).source).toBe(patchWebsocketsClientAddress(source))
    const other = pathToFileURL(resolve('node_modules/@libp2p/websockets/dist/src/index.js')).href
    expect((await load(other, {}, next)).source).toBeInstanceOf(Uint8Array)
  })

  it('fails loudly when the upstream code moved', () => {
    expect(() => patchWebsocketsClientAddress('export const nothing = 1')).toThrow(/changed/)
  })
})
