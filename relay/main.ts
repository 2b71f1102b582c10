// The relay's entry point: `npm run relay -- [options]`, or `npm start -- [options]`
// which builds the app first. Run through relay/preload.mjs (tsx and Node 20 shims).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, helpText, parseCommand, type RelayConfig } from './config.ts'
import { createLog } from './log.ts'
import { errorMessage, propertyOf } from '../src/diagnostics/index.ts'

/** A stuck libp2p stop must not keep the process alive forever. */
const SHUTDOWN_TIMEOUT_MS = 10_000
const REPEAT_SIGNAL_GRACE_MS = 1000

function readConfig (): RelayConfig {
  try {
    const command = parseCommand(process.argv.slice(2), process.env)
    if (command.kind === 'help') {
      process.stdout.write(helpText())
      process.exit(0)
    }
    return command.config
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`murmur relay: ${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
}

async function main (): Promise<void> {
  const config = readConfig()
  const log = createLog(config.log)

  let relay
  try {
    // Loaded only now, so --help and a bad flag answer at once, without libp2p.
    const { startRelay } = await import('./relay.ts')
    relay = await startRelay(config, log)
  } catch (err) {
    const known = ['StartError', 'IdentityError', 'VapidKeyError'].includes(String(propertyOf(err, 'name')))
    log.error(known ? errorMessage(err) : `could not start: ${String(propertyOf(err, 'stack') ?? err)}`)
    process.exit(1)
  }

  const relayAddrs = relay.relayAddrs()
  process.stdout.write([
    `Murmur is running at ${relay.url}`,
    '',
    `Relay peer id: ${relay.peerId}`,
    ...relayAddrs.map((addr) => `Relay address: ${addr}`),
    `MURMUR_URL=${relay.url}`,
    `MURMUR_RELAY=${relayAddrs[0] ?? ''}`,
    ''
  ].join('\n'))
  log.info(`serving ${config.appDir}; state in ${config.dataDir}`)
  if (!existsSync(join(config.appDir, 'index.html'))) {
    log.info(`no app to serve (no index.html in ${config.appDir}): the relay runs alone and app routes answer 404 with an explanation; \`npm run build\` builds the app`)
  }

  // A stray rejection from one peer's stream must not take the relay down for everyone.
  process.on('unhandledRejection', (reason: unknown) => {
    log.error(`unhandled rejection: ${String(propertyOf(reason, 'name') ?? 'Error')}: ${errorMessage(reason)}`)
  })

  // A wrapper (npm, timeout, a terminal's process group) may deliver one Ctrl-C twice;
  // only a signal that comes a while after the first means "stop now, skip the cleanup".
  let stoppingSince: number | undefined
  const shutdown = (signal: string): void => {
    if (stoppingSince != null) {
      if (Date.now() - stoppingSince < REPEAT_SIGNAL_GRACE_MS) return
      log.error(`${signal} again: exiting without a clean shutdown`)
      process.exit(1)
    }
    stoppingSince = Date.now()
    log.info(`${signal}: shutting down`)
    setTimeout(() => {
      log.error('shutdown took too long: exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    relay.stop().then(
      () => { log.info('stopped'); process.exit(0) },
      (err: unknown) => { log.error(`shutdown failed: ${errorMessage(err)}`); process.exit(1) }
    )
  }
  // SIGHUP re-reads the TLS certificate (after a renewal) without dropping anyone; without
  // this handler it would end the process.
  process.on('SIGHUP', () => {
    relay.reloadTls().then(
      (reloaded) => { log.info(reloaded ? 'SIGHUP: TLS certificate reloaded' : 'SIGHUP: no --tls-cert is set, nothing to reload') },
      (err: unknown) => { log.error(`SIGHUP: ${errorMessage(err)} The previous certificate stays in use.`) }
    )
  })
  process.on('SIGINT', () => { shutdown('SIGINT') })
  process.on('SIGTERM', () => { shutdown('SIGTERM') })
}

await main()
