/** What the relay reports about itself at one moment; gathered by relay-stats.ts. */
export interface RelaySnapshot {
  peerId: string
  uptimeSeconds: number
  connections: number
  reservations: number
  dhtRecords: number
  /** DHT records under /murmur-mailbox/, and the sum of their value sizes. */
  mailboxRecords: number
  mailboxBytes: number
  push: { sent: number, errors: number, rateLimited: number, subscriptions: number }
  memory: Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external'>
}

interface Metric {
  name: string
  type: 'gauge' | 'counter'
  help: string
  value: number
}

function metricsOf (s: RelaySnapshot): Metric[] {
  return [
    { name: 'murmur_relay_connections', type: 'gauge', help: 'Open libp2p connections.', value: s.connections },
    { name: 'murmur_relay_reservations', type: 'gauge', help: 'Circuit relay reservations held (one per reachable tab).', value: s.reservations },
    { name: 'murmur_relay_dht_records', type: 'gauge', help: 'DHT records kept in the relay datastore.', value: s.dhtRecords },
    { name: 'murmur_relay_mailbox_records', type: 'gauge', help: 'Mailbox records (/murmur-mailbox/) among the DHT records held.', value: s.mailboxRecords },
    { name: 'murmur_relay_mailbox_bytes', type: 'gauge', help: 'Sum of the value sizes of the mailbox records held, in bytes.', value: s.mailboxBytes },
    { name: 'murmur_push_sent_total', type: 'counter', help: 'Pushes the push services accepted since the relay started.', value: s.push.sent },
    { name: 'murmur_push_errors_total', type: 'counter', help: 'Pushes that failed (push service refused or unreachable) since the relay started.', value: s.push.errors },
    { name: 'murmur_push_rate_limited_total', type: 'counter', help: 'Pokes refused because their token had a push within the interval.', value: s.push.rateLimited },
    { name: 'murmur_push_subscriptions', type: 'gauge', help: 'Push subscriptions the gateway holds.', value: s.push.subscriptions },
    { name: 'murmur_relay_uptime_seconds', type: 'gauge', help: 'Seconds since the relay started.', value: s.uptimeSeconds },
    { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident set size in bytes.', value: s.memory.rss },
    { name: 'nodejs_heap_used_bytes', type: 'gauge', help: 'V8 heap in use, in bytes.', value: s.memory.heapUsed },
    { name: 'nodejs_heap_total_bytes', type: 'gauge', help: 'V8 heap allocated, in bytes.', value: s.memory.heapTotal },
    { name: 'nodejs_external_memory_bytes', type: 'gauge', help: 'Memory held outside the V8 heap (buffers), in bytes.', value: s.memory.external }
  ]
}

/** Prometheus text exposition format 0.0.4: HELP and TYPE lines, then the sample. */
export function renderMetrics (snapshot: RelaySnapshot): string {
  return metricsOf(snapshot)
    .map((m) => `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name} ${m.value}\n`)
    .join('')
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** The JSON body of GET /health. */
export function healthOf (snapshot: RelaySnapshot): Record<string, unknown> {
  return {
    status: 'ok',
    peerId: snapshot.peerId,
    uptimeSeconds: snapshot.uptimeSeconds,
    reservations: snapshot.reservations,
    connections: snapshot.connections
  }
}
