import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadOrCreatePrivateKey } from '../../relay/identity.ts'

/**
 * Makes a relay's key in `dataDir` before the relay first starts, as an operator can read
 * a relay's peer id before starting it, and returns that peer id: another relay can then be
 * started with `--neighbour <id>` naming it.
 */
export async function prepareRelayIdentity (dataDir: string): Promise<string> {
  return peerIdFromPrivateKey(await loadOrCreatePrivateKey(join(dataDir, 'peer-key'))).toString()
}
