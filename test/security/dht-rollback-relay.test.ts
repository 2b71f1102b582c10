import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createIdentity } from '../../src/core/identity.ts'
import { decodePresence } from '../../src/core/presence.ts'
import { decodeMailboxRecord } from '../../src/core/mailbox/record.ts'
import { connectDhtClient, type DhtClient } from '../harness/dht-client.ts'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { mailbox, presence } from './support/records.ts'
import { getFromRelay, putThrough } from './support/relay-dht.ts'

// Issue 15 item 5, through kad-dht's real PUT_VALUE handler on a real relay: the owner PUTs
// a newer record, a stranger who kept an older one (records are public) PUTs it back. The
// relay, often the only holder a reader asks, must keep serving the newer one.

describe('a relay and a replayed older record', () => {
  let root: string
  let relay: RelayProcess
  const clients: DhtClient[] = []
  const client = async (): Promise<DhtClient> => {
    const c = await connectDhtClient(relay.relayAddr)
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-rollback-'))
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
    relay = await startRelayProcess(['--data', join(root, 'data'), '--app', join(root, 'app')])
  })

  afterAll(async () => {
    await Promise.all(clients.map(async (c) => c.stop()))
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('refuses an older presence record and keeps serving the newer one', async () => {
    const alice = createIdentity()
    const [older, newer] = [presence(10, alice), presence(11, alice)]
    expect(await putThrough(await client(), newer)).toBe('accepted')
    expect(await putThrough(await client(), older)).toBe('refused')
    expect(decodePresence((await getFromRelay(relay, newer.key))!).seq).toBe(11)
  })

  it('refuses an older version of a mailbox record', async () => {
    const [older, newer] = [mailbox(5, 3, 200, 31), mailbox(5, 4, 200, 31)]
    expect(await putThrough(await client(), newer)).toBe('accepted')
    expect(await putThrough(await client(), older)).toBe('refused')
    expect(decodeMailboxRecord((await getFromRelay(relay, newer.key))!).seq).toBe(4)
  })
})
