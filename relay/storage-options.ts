// What the relay keeps in its DHT store for others (src/net/holder-datastore.ts,
// src/core/holder/): caps per pool and per source (an IPv4 /24 or IPv6 /56,
// src/net/put-source.ts). config.ts lists these among its OPTIONS; docs/SECURITY.md has the
// table. A relay has a disk: it holds far more than a tab (TAB_STORE_LIMITS).
import type { Pool, PoolLimits, StoreLimits } from '../src/core/holder/store-limits.ts'
import { TAB_STORE_LIMITS } from '../src/core/holder/store-limits.ts'
import { DHT_REPLICATION_DEFAULT, DHT_REPLICATION_MAX, DHT_REPLICATION_MIN } from '../src/net/dht-replication.ts'
import { parseCount, parseDhtReplication, parseMiB } from './option-values.ts'
import type { OptionSpec, RelayConfig } from './config.ts'

/** The relay keeps libp2p's peer store in memory (relay/peers-in-memory.ts): this pool stays empty. */
const RELAY_PEERS_POOL: PoolLimits = TAB_STORE_LIMITS.peers

function setPoolLimit (config: RelayConfig, pool: Exclude<Pool, 'peers'>, field: keyof PoolLimits, value: number): void {
  const current = config.storeLimits ?? { peers: RELAY_PEERS_POOL }
  config.storeLimits = { ...current, [pool]: { ...current[pool], [field]: value } } as StoreLimits
}

function limitOption (pool: Exclude<Pool, 'peers'>, field: keyof PoolLimits, flag: string, fallback: string, meaning: string): OptionSpec {
  const inMiB = field === 'bytes' || field === 'perSourceBytes'
  return {
    flag: `--${flag}`,
    env: `MURMUR_${flag.toUpperCase().replaceAll('-', '_')}`,
    fallback,
    meaning,
    apply: (c, v, s) => { setPoolLimit(c, pool, field, inMiB ? parseMiB(v, s) : parseCount(v, s)) }
  }
}

const PER_SOURCE = 'one IPv4 /24 or IPv6 /56 (a carrier NAT puts many people in one /24)'

// Mailbox records are at most 64 KiB and kad-dht serves one for 48 hours after its PUT;
// presence and prekey records ("the directory") at most 4 KiB and 1 KiB.
export const STORAGE_OPTIONS: readonly OptionSpec[] = [
  limitOption('mailbox', 'count', 'mailbox-max-records', '100000', 'offline-message (mailbox) records kept for others in total'),
  limitOption('mailbox', 'bytes', 'mailbox-max-mib', '1024', 'MiB of mailbox records kept for others in total'),
  limitOption('mailbox', 'perSourceCount', 'mailbox-max-records-per-source', '4096', `mailbox records kept from ${PER_SOURCE}`),
  limitOption('mailbox', 'perSourceBytes', 'mailbox-max-mib-per-source', '64', `MiB of mailbox records kept from ${PER_SOURCE}`),
  limitOption('directory', 'count', 'directory-max-records', '200000', 'presence and prekey records kept for others in total'),
  limitOption('directory', 'bytes', 'directory-max-mib', '256', 'MiB of presence and prekey records kept for others in total'),
  limitOption('directory', 'perSourceCount', 'directory-max-records-per-source', '8192', `presence and prekey records kept from ${PER_SOURCE}`),
  limitOption('directory', 'perSourceBytes', 'directory-max-mib-per-source', '32', `MiB of presence and prekey records kept from ${PER_SOURCE}`),
  {
    flag: '--dht-replication', env: 'MURMUR_DHT_REPLICATION', fallback: String(DHT_REPLICATION_DEFAULT),
    meaning: `how many closest DHT nodes (tabs and relays) store each record, mailboxes included: Kademlia's k, ${DHT_REPLICATION_MIN} to ${DHT_REPLICATION_MAX}; tabs take it from this relay`,
    apply: (c, v, s) => { c.dhtReplication = parseDhtReplication(v, s) }
  }
]
