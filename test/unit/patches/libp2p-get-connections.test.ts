import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { patchLibp2pGetConnections } from '../../../patches/libp2p-get-connections.ts'

const INSTALLED = 'node_modules/libp2p/dist/src/connection-manager/index.js'

/** The method's body from a source, run as a function over a `connections` map. */
function getConnectionsOf (source: string): (connections: Map<string, string[]>) => string[] {
  const body = /getConnections\(peerId\) \{\n([\s\S]*?)\n {4}\}\n/.exec(source)?.[1]
  if (body == null) throw new Error('getConnections(peerId) not found')
  // eslint-disable-next-line no-new-func
  const method = new Function('peerId', body) as (this: { connections: Map<string, string[]> }, peerId?: string) => string[]
  return (connections) => method.call({ connections })
}

describe('libp2p getConnections() patch (relay)', () => {
  const source = readFileSync(INSTALLED, 'utf8')

  it('still applies to the installed version and gives the same connections in the same order', () => {
    const patched = patchLibp2pGetConnections(source)
    expect(patched).not.toBe(source)
    expect(patched).not.toContain('conns = conns.concat(c)')
    const connections = new Map([['a', ['a1', 'a2']], ['b', []], ['c', ['c1']]])
    expect(getConnectionsOf(patched)(connections)).toEqual(getConnectionsOf(source)(connections))
    expect(getConnectionsOf(patched)(connections)).toEqual(['a1', 'a2', 'c1'])
  })

  it('is what the relay\'s Node module hook applies to that file', async () => {
    const hookModule = '../../../relay/patch-hooks.mjs'
    const { load } = await import(hookModule) as { load: (url: string, context: object, next: () => Promise<{ format: string, source: unknown }>) => Promise<{ source: unknown }> }
    const next = async (): Promise<{ format: string, source: unknown }> => ({ format: 'module', source: new TextEncoder().encode(source) })
    expect((await load(pathToFileURL(resolve(INSTALLED)).href, {}, next)).source).toBe(patchLibp2pGetConnections(source))
  })

  it('fails loudly when the upstream code moved', () => {
    expect(() => patchLibp2pGetConnections('export const nothing = 1')).toThrow(/changed/)
  })
})
