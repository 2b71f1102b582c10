import type { Plugin } from 'vite'

/**
 * Works around a race in @libp2p/webrtc 6.0.33
 * (dist/src/private-to-private/initiate-connection.js).
 *
 * The answering side closes the `init` data channel as soon as it sees it. The dialer then
 * waits for an `open` event on a channel that is already closing (and later for `close` on
 * one that may already be closed) and hangs until its dial timeout. Between two pages of
 * one browser this showed in about one dial in five. Waiting for `open` only while the
 * channel is still `connecting`, and for `close` only while it is not yet `closed`, removes
 * the hang. test/unit/patches/webrtc-init-channel-race.test.ts checks that the patch still
 * applies to the installed version, and the e2e suite dials between two pages of one browser.
 */
const TARGET = /@libp2p\/webrtc\/dist\/src\/private-to-private\/initiate-connection\.js$/

const REPLACEMENTS: Array<[string, string]> = [
  [
    "if (channel.readyState !== 'open') {",
    "if (channel.readyState === 'connecting') {"
  ],
  [
    "await pEvent(channel, 'close', {",
    "if (channel.readyState !== 'closed') await pEvent(channel, 'close', {"
  ]
]

export class PatchDidNotApplyError extends Error {
  override name = 'PatchDidNotApplyError'
}

/** Applies the workaround to the module's source; throws when the upstream code moved. */
export function patchInitChannelRace (source: string): string {
  let out = source
  for (const [from, to] of REPLACEMENTS) {
    if (!out.includes(from)) {
      throw new PatchDidNotApplyError(`@libp2p/webrtc changed: "${from}" not found; re-check the init channel race workaround`)
    }
    out = out.replace(from, to)
  }
  return out
}

export function webrtcInitChannelRacePatch (): Plugin {
  return {
    name: 'murmur:webrtc-init-channel-race',
    enforce: 'pre',
    transform (code, id) {
      if (!TARGET.test(id.split('?')[0] ?? '')) return null
      return { code: patchInitChannelRace(code), map: null }
    }
  }
}
