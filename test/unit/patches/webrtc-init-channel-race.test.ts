import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { patchInitChannelRace } from '../../../patches/webrtc-init-channel-race.ts'

function installedSource (): string {
  // The file the Vite transform targets, as installed (the package exports no subpaths).
  return readFileSync(join('node_modules/@libp2p/webrtc/dist/src/private-to-private/initiate-connection.js'), 'utf8')
}

describe('@libp2p/webrtc init channel race workaround', () => {
  it('still applies to the installed version, and changes only the two waits', () => {
    const source = installedSource()
    const patched = patchInitChannelRace(source)
    expect(patched).toContain("if (channel.readyState === 'connecting') {")
    expect(patched).toContain("if (channel.readyState !== 'closed') await pEvent(channel, 'close', {")
    expect(patched).not.toContain("if (channel.readyState !== 'open') {")
    expect(patched.length - source.length).toBe(
      "if (channel.readyState === 'connecting') {".length - "if (channel.readyState !== 'open') {".length +
      "if (channel.readyState !== 'closed') ".length)
  })

  it('fails loudly when the upstream code moved', () => {
    expect(() => patchInitChannelRace('export const nothing = 1')).toThrow(/PatchDidNotApply|changed/)
  })
})
