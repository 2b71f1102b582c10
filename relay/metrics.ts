import type { HolderUsage } from '../src/net/holder-datastore.ts'
import type { PushCounters } from './push/push-gateway.ts'

/** What the relay reports about itself at one moment; gathered by relay-stats.ts without reading the datastore. */
export interface RelaySnapshot {
  peerId: string
  uptimeSeconds: number
  connections: number
  reservations: number
  /** Inbound connections refused for --max-connections-per-ip, and the most one address holds now. */
  perIp: { refused: number, busiest: number }
  /** The DHT store's accounting (src/net/holder-datastore.ts): counts kept as records come and go. */
  store: HolderUsage
  push: PushCounters
  /** TURN credentials handed to peers with a reservation, and refused to peers without. */
  turn: { handed: number, refused: number }
  memory: Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external'>
}

interface Metric {
  name: string
  type: 'gauge' | 'counter'
  help: string
  /** One value, or one per label set (`namespace="murmur-mailbox"`). */
  value: number | Array<[labels: string, value: number]>
}

const NAMESPACES = ['murmur-presence', 'murmur-prekey', 'murmur-mailbox']

function storeMetrics (store: HolderUsage): Metric[] {
  const kinds = (field: 'count' | 'bytes'): Array<[string, number]> =>
    NAMESPACES.map((ns) => [`namespace="${ns}"`, store.kinds[ns]?.[field] ?? 0])
  const records = store.pools.directory.count + store.pools.mailbox.count
  return [
    { name: 'murmur_relay_dht_records', type: 'gauge', help: 'DHT records kept in the relay datastore (all namespaces).', value: records },
    { name: 'murmur_relay_dht_namespace_records', type: 'gauge', help: 'DHT records kept, per namespace.', value: kinds('count') },
    { name: 'murmur_relay_dht_namespace_bytes', type: 'gauge', help: 'Bytes of DHT records kept, per namespace, as stored.', value: kinds('bytes') },
    { name: 'murmur_relay_mailbox_records', type: 'gauge', help: 'Mailbox records (/murmur-mailbox/) among the DHT records held.', value: store.pools.mailbox.count },
    { name: 'murmur_relay_mailbox_bytes', type: 'gauge', help: 'Bytes of the mailbox records held, as stored (in kad-dht\'s record envelope).', value: store.pools.mailbox.bytes },
    {
      name: 'murmur_relay_dht_refused_total',
      type: 'counter',
      help: 'DHT PUTs refused since start: a source over its share, a full pool, an older version than the one held, a provider record.',
      value: Object.entries(store.refused).map(([reason, n]) => [`reason="${reason}"`, n])
    },
    { name: 'murmur_relay_dht_evicted_total', type: 'counter', help: 'DHT records evicted since start to make room (the largest source\'s oldest first).', value: store.evicted }
  ]
}

function metricsOf (s: RelaySnapshot): Metric[] {
  return [
    { name: 'murmur_relay_connections', type: 'gauge', help: 'Open libp2p connections.', value: s.connections },
    { name: 'murmur_relay_reservations', type: 'gauge', help: 'Circuit relay reservations held (one per reachable tab).', value: s.reservations },
    { name: 'murmur_relay_connections_refused_per_ip_total', type: 'counter', help: 'Inbound connections refused because their address held --max-connections-per-ip already.', value: s.perIp.refused },
    { name: 'murmur_relay_connections_busiest_ip', type: 'gauge', help: 'The most connections one IPv4 address or IPv6 /64 holds open now.', value: s.perIp.busiest },
    ...storeMetrics(s.store),
    { name: 'murmur_push_sent_total', type: 'counter', help: 'Pushes the push services accepted since the relay started.', value: s.push.sent },
    { name: 'murmur_push_errors_total', type: 'counter', help: 'Pushes that failed (push service refused or unreachable) since the relay started.', value: s.push.errors },
    { name: 'murmur_push_rate_limited_total', type: 'counter', help: 'Pokes refused because their token had a push within the interval.', value: s.push.rateLimited },
    { name: 'murmur_push_subscriptions', type: 'gauge', help: 'Push subscriptions the gateway holds.', value: s.push.subscriptions },
    { name: 'murmur_push_registrations_refused_total', type: 'counter', help: 'Push registrations refused because their address made --push-registrations-per-ip in the last hour.', value: s.push.registrationsRefused },
    { name: 'murmur_push_expired_total', type: 'counter', help: 'Push registrations forgotten since start because nobody poked or renewed them for --push-expire-days.', value: s.push.expired },
    { name: 'murmur_relay_turn_credentials_total', type: 'counter', help: 'TURN credential requests over libp2p since start: handed to peers holding a reservation, refused to others.', value: [['outcome="handed"', s.turn.handed], ['outcome="refused"', s.turn.refused]] },
    { name: 'murmur_relay_uptime_seconds', type: 'gauge', help: 'Seconds since the relay started.', value: s.uptimeSeconds },
    { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident set size in bytes.', value: s.memory.rss },
    { name: 'nodejs_heap_used_bytes', type: 'gauge', help: 'V8 heap in use, in bytes.', value: s.memory.heapUsed },
    { name: 'nodejs_heap_total_bytes', type: 'gauge', help: 'V8 heap allocated, in bytes.', value: s.memory.heapTotal },
    { name: 'nodejs_external_memory_bytes', type: 'gauge', help: 'Memory held outside the V8 heap (buffers), in bytes.', value: s.memory.external }
  ]
}

const samples = (m: Metric): string => typeof m.value === 'number'
  ? `${m.name} ${m.value}\n`
  : m.value.map(([labels, value]) => `${m.name}{${labels}} ${value}\n`).join('')

/** Prometheus text exposition format 0.0.4: HELP and TYPE lines, then the samples. */
export function renderMetrics (snapshot: RelaySnapshot): string {
  return metricsOf(snapshot)
    .map((m) => `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${samples(m)}`)
    .join('')
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** The JSON body of GET /health. */
export function healthOf (snapshot: Pick<RelaySnapshot, 'peerId' | 'uptimeSeconds' | 'reservations' | 'connections'>): Record<string, unknown> {
  return {
    status: 'ok',
    peerId: snapshot.peerId,
    uptimeSeconds: snapshot.uptimeSeconds,
    reservations: snapshot.reservations,
    connections: snapshot.connections
  }
}
