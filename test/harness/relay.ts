import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopChild } from './child-process.ts'
import { startRelayProcess, type RelayProcess } from './relay-process.ts'

export interface RunningRelay extends Pick<RelayProcess, 'relayAddr' | 'child' | 'output'> {
  /** The app's origin, without a trailing slash. */
  url: string
  dataDir: string
  /** Stops the relay; its data directory is removed unless `keepData` (to restart on it). */
  stop: (options?: { keepData?: boolean }) => Promise<void>
  /** SIGKILL, as a crash or a pulled plug: no clean shutdown. Its data directory is removed. */
  kill: () => Promise<void>
}

/**
 * The relay the browsers use: relay/main.ts on loopback with a free port, serving the built
 * app from dist/ (an `--app` in `args` overrides it), its state in a temporary directory.
 * Pass a dataDir to restart a relay on its previous state.
 */
export async function startRelay (options: { dataDir?: string, args?: string[], env?: Record<string, string> } = {}): Promise<RunningRelay> {
  const ownsDir = options.dataDir == null
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'murmur-relay-'))
  let relay: RelayProcess
  try {
    relay = await startRelayProcess(['--data', dataDir, '--app', 'dist', ...(options.args ?? [])], undefined, options.env)
  } catch (err) {
    if (ownsDir) await removeDir(dataDir)
    throw err
  }
  let stopping = false
  relay.child.on('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`relay exited unexpectedly (${code ?? signal}):\n${relay.output()}\n`)
  })
  return {
    url: relay.url.replace(/\/$/, ''),
    relayAddr: relay.relayAddr,
    child: relay.child,
    output: relay.output,
    dataDir,
    stop: async (stopOptions = {}) => {
      stopping = true
      // Nothing here checks the relay's shutdown: 5 s is plenty before SIGKILL.
      await stopChild(relay.child)
      if (ownsDir && stopOptions.keepData !== true) await removeDir(dataDir)
    },
    kill: async () => {
      stopping = true
      await stopChild(relay.child, { signal: 'SIGKILL' })
      if (ownsDir) await removeDir(dataDir)
    }
  }
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
