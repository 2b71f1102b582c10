import { PatchDidNotApplyError } from './webrtc-init-channel-race.ts'

/**
 * Makes libp2p 3.3's `getConnections()` (every connection, no peer named) linear, in
 * libp2p/dist/src/connection-manager/index.js.
 *
 * It builds the list with `conns = conns.concat(c)` once per peer, copying the growing
 * array each time: with n peers that is about n²/2 element copies. libp2p calls it when it
 * accepts each inbound connection and when the pruner checks the limit after each one opens,
 * so a relay holding 2,000 tabs copied some two million references for every tab that
 * arrived: in a CPU profile of bench:relay-load at 2,000 reservations it was 5.8% of the
 * relay's time. The patched version appends in place; the result is the same array of the
 * same connections in the same order.
 *
 * Applied to the relay by its Node module hook (relay/patch-hooks.mjs); tabs hold a handful
 * of connections and run the upstream code. test/unit/patches/libp2p-get-connections.test.ts
 * checks that it still applies to the installed version and that the answer is unchanged.
 */
export const LIBP2P_CONNECTION_MANAGER_TARGET = /\/libp2p\/dist\/src\/connection-manager\/index\.js$/

const FROM = `        let conns = [];
        for (const c of this.connections.values()) {
            conns = conns.concat(c);
        }
        return conns;`
const TO = `        const conns = [];
        for (const c of this.connections.values()) {
            for (const conn of c) conns.push(conn);
        }
        return conns;`

/** Applies the patch to the module's source; throws when the upstream code moved. */
export function patchLibp2pGetConnections (source: string): string {
  const at = source.indexOf(FROM)
  if (at === -1 || source.indexOf(FROM, at + 1) !== -1) {
    throw new PatchDidNotApplyError('libp2p changed: the getConnections() loop was not found exactly once; re-check whether it is still quadratic')
  }
  return source.replace(FROM, TO)
}
