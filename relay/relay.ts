import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { AddressInfo, Server } from 'node:net'
import type { Server as TlsServer } from 'node:https'
import { LevelDatastore } from 'datastore-level'
import type { RelayConfig } from './config.ts'
import type { RelayLog } from './log.ts'
import { loadOrCreatePrivateKey } from './identity.ts'
import { createRelayNode, type RelayNode } from './libp2p-node.ts'
import { createRelayStats } from './relay-stats.ts'
import { healthOf, renderMetrics } from './metrics.ts'
import { createHttpServer } from './http-server.ts'
import { startRecordSweeper, sweepRecords } from '../src/net/record-sweeper.ts'
import { dhtValidators } from '../src/net/dht-config.ts'
import { HolderDatastore } from '../src/net/holder-datastore.ts'
import { sourceOfPeer } from '../src/net/put-source.ts'
import { PeersInMemory } from './peers-in-memory.ts'
import { iceConfiguration } from './ice-servers.ts'
import { serveTurnCredentials } from './turn-service.ts'
import { readTlsFiles, TlsError } from './tls.ts'
import { browserDialable, joinRelayMesh } from './relay-mesh.ts'
import { loadOrCreateVapidKeys } from './push/vapid-keys.ts'
import { chooseVapidSubject } from './push/vapid-subject.ts'
import { createPushGateway } from './push/push-gateway.ts'
import { clientAddress } from './client-address.ts'

/** Presence records live up to a day; an hourly sweep keeps at most an hour of dead ones. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000

export class StartError extends Error {
  override name = 'StartError'
}

export interface RunningRelay {
  /** Where people open the app, e.g. http://127.0.0.1:8080/ */
  url: string
  peerId: string
  /** The websockets multiaddrs tabs dial, each ending in /p2p/<peerId>. */
  relayAddrs: () => string[]
  /**
   * Reads the certificate and key files again and serves new connections with them (the
   * answer to SIGHUP); on a bad pair it throws TlsError and keeps the old certificate.
   * Returns false when the relay has no certificate of its own.
   */
  reloadTls: () => Promise<boolean>
  stop: () => Promise<void>
}

/** A URL a person can open: wildcard binds are reachable on loopback from this machine. */
export function displayUrl (host: string, port: number, tls = false): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `${tls ? 'https' : 'http'}://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`
}

function websocketAddrs (node: RelayNode): string[] {
  return browserDialable(node.getMultiaddrs(), node.peerId.toString())
}

async function openDatastore (path: string): Promise<LevelDatastore> {
  const datastore = new LevelDatastore(path)
  try {
    await datastore.open()
  } catch {
    // datastore-level 13 drops level's cause (LEVEL_LOCKED and the like), so the most
    // common reason is named as a question rather than detected.
    throw new StartError(`Could not open the relay datastore in ${path}. Is another relay using this --data directory? Stop it, or give this one its own.`)
  }
  return datastore
}

async function listen (server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE'
        ? new StartError(`Port ${port} on ${host} is already in use: pick another with --port (0 picks a free one).`)
        : err)
    })
    server.listen(port, host, resolve)
  })
  return (server.address() as AddressInfo).port
}

export async function startRelay (config: RelayConfig, log: RelayLog): Promise<RunningRelay> {
  const startedAt = Date.now()
  const tlsFiles = config.tlsCertFile != null && config.tlsKeyFile != null
    ? { cert: config.tlsCertFile, key: config.tlsKeyFile }
    : undefined
  const readTls = async () => tlsFiles == null ? undefined : await readTlsFiles(tlsFiles.cert, tlsFiles.key)
  let tls
  try {
    tls = await readTls()
  } catch (err) {
    throw err instanceof TlsError ? new StartError(err.message) : err
  }
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
  const privateKey = await loadOrCreatePrivateKey(join(config.dataDir, 'peer-key'))
  const vapid = await loadOrCreateVapidKeys(join(config.dataDir, 'vapid-keys.json'))
  const datastore = await openDatastore(join(config.dataDir, 'datastore'))

  let node: RelayNode
  let holder: HolderDatastore
  try {
    // What strangers store here is counted and capped per pool and per source (an address
    // prefix, src/net/put-source.ts); the count starts from disk. The node is made after its
    // datastore, so the datastore reaches the node's connections through this late binding.
    let late: RelayNode | undefined
    holder = await HolderDatastore.open(datastore, {
      limits: config.storeLimits,
      sourceOf: (peer) => sourceOfPeer(late?.getConnections(peer) ?? [], peer),
      onRefused: ({ pool, reason, source }) => { log.debug(`refused a ${pool} record from ${source}: ${reason}`) }
    })
    node = late = await createRelayNode(config, privateKey, await PeersInMemory.over(holder), log, tls)
  } catch (err) {
    await datastore.close()
    throw err
  }
  node.addEventListener('peer:connect', (e) => { log.debug(`peer connected ${e.detail.toString()}`) })
  node.addEventListener('peer:disconnect', (e) => { log.debug(`peer disconnected ${e.detail.toString()}`) })

  const mesh = joinRelayMesh(node, {
    bootstrap: config.bootstrap,
    neighbours: config.neighbours,
    onError: (message) => { log.info(message) },
    onUnnamed: (id) => { log.info(`${id} speaks the relay protocols but no --bootstrap or --neighbour names it: it is not handed to tabs`) }
  })
  const vapidSubject = chooseVapidSubject(config)
  if (vapidSubject.notice != null) log.info(vapidSubject.notice)
  const push = await createPushGateway({
    datastore,
    vapid,
    subject: vapidSubject.subject,
    minIntervalMs: config.push.intervalSeconds * 1000,
    maxSubscriptions: config.push.maxSubscriptions,
    registrationsPerIpPerHour: config.push.registrationsPerIpPerHour,
    expireAfterMs: config.push.expireAfterDays * 24 * 60 * 60 * 1000,
    allowPrivateEndpoints: config.push.allowPrivateEndpoints,
    onSendError: (message) => { log.info(`push not sent: ${message}`) }
  })
  const turn = serveTurnCredentials(node, config, log)
  const stats = createRelayStats(node, () => holder.usage(), startedAt, push.counters, turn)
  const server = createHttpServer({
    appDir: config.appDir,
    health: () => healthOf(stats.snapshot()),
    metrics: () => renderMetrics(stats.snapshot()),
    // This relay first, then the relays of the same network it is connected to: a tab
    // keeps reservations on two and fails over to the others (docs/ARCHITECTURE.md).
    // TURN servers appear without credentials: a tab asks for those over libp2p while it
    // holds a reservation here (relay/turn-service.ts).
    appConfig: () => ({
      relays: [...new Set([...websocketAddrs(node), ...mesh.peerRelayAddrs()])],
      ...iceConfiguration(config),
      vapidPublicKey: push.vapidPublicKey,
      dhtReplication: config.dhtReplication
    }),
    push,
    clientAddress: (req) => clientAddress(req, config.trustedProxies),
    onError: (err) => { log.error(`HTTP request failed: ${(err as Error)?.message ?? err}`) }
  }, tls)

  let port: number
  try {
    port = await listen(server, config.host, config.port)
  } catch (err) {
    mesh.stop()
    await node.stop()
    await datastore.close()
    throw err
  }

  const sweeper = startRecordSweeper(
    async (options) => sweepRecords(holder, dhtValidators, options),
    SWEEP_INTERVAL_MS,
    ({ kept, removed }) => {
      (removed > 0 ? log.info : log.debug)(`DHT records: removed ${removed} expired, stale or invalid, kept ${kept}`)
    },
    (err) => { log.error(`DHT record sweep failed: ${(err as Error)?.message ?? err}`) }
  )
  // Push registrations nobody poked or renewed for --push-expire-days go too.
  const pushSweeper = startRecordSweeper(
    async () => ({ removed: await push.sweep(), kept: push.counters().subscriptions }),
    SWEEP_INTERVAL_MS,
    ({ kept, removed }) => {
      (removed > 0 ? log.info : log.debug)(`push registrations: forgot ${removed} unused for ${config.push.expireAfterDays} days, kept ${kept}`)
    },
    (err) => { log.error(`push registration sweep failed: ${(err as Error)?.message ?? err}`) }
  )

  return {
    url: displayUrl(config.host, port, tls != null),
    peerId: node.peerId.toString(),
    relayAddrs: () => websocketAddrs(node),
    reloadTls: async () => {
      const renewed = await readTls()
      if (renewed == null) return false
      ;(server as TlsServer).setSecureContext(renewed)
      node.services.tls.renew(renewed)
      return true
    },
    stop: async () => {
      sweeper.stop()
      pushSweeper.stop()
      mesh.stop()
      const closed = new Promise<void>((resolve) => server.close(() => { resolve() }))
      server.closeAllConnections()
      await closed
      await node.stop()
      await datastore.close()
    }
  }
}
