import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectDhtClient, waitFor } from '../harness/dht-client.ts'
import { startRelayProcess, type RelayProcess } from '../harness/relay-process.ts'
import { misfiledPresenceRecord, validPresenceRecord } from './support/presence-fixture.ts'
import { mailboxSlot, slotEpoch } from '../../src/core/mailbox/slots.ts'
import { encodeMailboxRecord } from '../../src/core/mailbox/record.ts'
import { putToPeer, relayPeers } from '../../src/net/direct-put.ts'

async function metric (relay: RelayProcess, name: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', relay.url))).text()
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1])
}

const dhtRecordCount = async (relay: RelayProcess): Promise<number> => metric(relay, 'murmur_relay_dht_records')

/** A fresh client, so the value can only come from the relay. */
async function getFromRelay (relay: RelayProcess, key: Uint8Array): Promise<Uint8Array | undefined> {
  const client = await connectDhtClient(relay.relayAddr)
  try {
    return await client.contentRouting.get(key, { signal: AbortSignal.timeout(10_000) })
  } catch (err: any) {
    // libp2p 3 asks every content router with Promise.any: "not found" is an AggregateError.
    const errors: any[] = err instanceof AggregateError ? err.errors : [err]
    if (errors.every((e) => e?.name === 'NotFoundError')) return undefined
    throw err
  } finally {
    await client.stop()
  }
}

async function putThroughClient (relay: RelayProcess, key: Uint8Array, value: Uint8Array): Promise<void> {
  const client = await connectDhtClient(relay.relayAddr)
  try {
    // kad-dht reports a refused PUT as a query event, not as a thrown error.
    await client.contentRouting.put(key, value, { signal: AbortSignal.timeout(10_000) })
  } finally {
    await client.stop()
  }
}

describe('relay DHT', () => {
  let root: string
  let data: string
  let relay: RelayProcess | undefined

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'murmur-relay-dht-'))
    data = join(root, 'data')
    await mkdir(join(root, 'app'))
    await writeFile(join(root, 'app', 'index.html'), '<!doctype html>')
    relay = await startRelayProcess(['--data', data, '--app', join(root, 'app')])
  })

  afterAll(async () => {
    await relay?.stop()
    await rm(root, { recursive: true, force: true })
  })

  it('refuses a record that fails validation', async () => {
    const { key, value } = misfiledPresenceRecord()
    await putThroughClient(relay!, key, value)
    expect(await getFromRelay(relay!, key)).toBeUndefined()
    expect(await dhtRecordCount(relay!)).toBe(0)
  })

  it('keeps its PeerId and its DHT records across a restart', async () => {
    const { key, value } = validPresenceRecord()
    await putThroughClient(relay!, key, value)
    expect(await getFromRelay(relay!, key)).toEqual(value)
    const before = relay!.relayAddr

    expect(await relay!.stop()).toBe(0)
    relay = await startRelayProcess(['--data', data, '--app', join(root, 'app')])

    const peerId = (addr: string): string => addr.split('/p2p/')[1]!
    expect(peerId(relay.relayAddr)).toBe(peerId(before))
    expect(await getFromRelay(relay, key)).toEqual(value)
    await waitFor(async () => await dhtRecordCount(relay!) === 1, 'the record in the metrics', 20_000)
  })

  it('holds a mailbox record (issue 4 namespace) and refuses one signed by another key', async () => {
    const slot = mailboxSlot(new Uint8Array(32).fill(5), new Uint8Array(32).fill(6), slotEpoch(), 0)
    const fields = { seq: 1, createdAt: Date.now(), expiresAt: Date.now() + 24 * 3600_000, entries: [{ id: new Uint8Array(16).fill(1), payload: new Uint8Array([1, 2, 3]) }] }
    const other = mailboxSlot(new Uint8Array(32).fill(7), new Uint8Array(32).fill(6), slotEpoch(), 0)
    await putThroughClient(relay!, slot.key, encodeMailboxRecord(other.writeKey, fields))
    expect(await getFromRelay(relay!, slot.key)).toBeUndefined()
    const record = encodeMailboxRecord(slot.writeKey, fields)
    await putThroughClient(relay!, slot.key, record)
    expect(await getFromRelay(relay!, slot.key)).toEqual(record)
    // /metrics counts the mailbox bytes held as stored: the record in kad-dht's envelope (its
    // key and the time it was received), a little more than the record itself.
    const held = await metric(relay!, 'murmur_relay_mailbox_bytes')
    expect(held).toBeGreaterThan(record.byteLength)
    expect(held).toBeLessThan(record.byteLength + 200)
    expect(await metric(relay!, 'murmur_relay_mailbox_records')).toBe(1)
  })

  it('takes a PUT sent straight to it (src/net/direct-put.ts), and says no to one it refuses', async () => {
    const client = await connectDhtClient(relay!.relayAddr)
    try {
      const [relayPeer] = relayPeers(client.getConnections())
      expect(relayPeer?.toString()).toBe(relay!.relayAddr.split('/p2p/')[1])
      const slot = mailboxSlot(new Uint8Array(32).fill(8), new Uint8Array(32).fill(6), slotEpoch(), 1)
      const fields = { seq: 1, createdAt: Date.now(), expiresAt: Date.now() + 24 * 3600_000, entries: [{ id: new Uint8Array(16).fill(2), payload: new Uint8Array([4, 5, 6]) }] }
      const forged = encodeMailboxRecord(mailboxSlot(new Uint8Array(32).fill(7), new Uint8Array(32).fill(6), slotEpoch(), 1).writeKey, fields)
      expect(await putToPeer(client, relayPeer!, slot.key, forged, AbortSignal.timeout(10_000))).toBe(false)
      expect(await getFromRelay(relay!, slot.key)).toBeUndefined()
      const record = encodeMailboxRecord(slot.writeKey, fields)
      expect(await putToPeer(client, relayPeer!, slot.key, record, AbortSignal.timeout(10_000))).toBe(true)
      expect(await getFromRelay(relay!, slot.key)).toEqual(record)
    } finally {
      await client.stop()
    }
  })
})
