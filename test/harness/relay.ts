import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopChild } from './child-process.ts'

export interface RunningRelay {
  url: string
  /** The relay's websockets multiaddr, ending in /p2p/<peer id> (for another relay's --bootstrap). */
  relayAddr: string
  dataDir: string
  process: ChildProcess
  /** Everything the relay printed, for assertions and for failure reports. */
  output: () => string
  /** Stops the relay; its data directory is removed unless `keepData` (to restart on it). */
  stop: (options?: { keepData?: boolean }) => Promise<void>
  /** SIGKILL, as a crash or a pulled plug: no clean shutdown. Its data directory is removed. */
  kill: () => Promise<void>
}

/**
 * Starts the real relay (relay/main.ts) on loopback with a free port, serving the built
 * app from dist/. Pass a dataDir to restart a relay on its previous state.
 */
export async function startRelay (options: { dataDir?: string, args?: string[], env?: Record<string, string> } = {}): Promise<RunningRelay> {
  const ownsDir = options.dataDir == null
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'murmur-relay-'))
  const child = spawn(process.execPath, [
    '--import', './relay/preload.mjs', 'relay/main.ts',
    '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--app', 'dist', ...(options.args ?? [])
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
  let output = ''
  let stopping = false
  child.stdout!.on('data', (chunk) => { output += String(chunk) })
  child.stderr!.on('data', (chunk) => { output += String(chunk) })
  // MURMUR_RELAY_LOG=1 shows the relay's output live, to diagnose a failing run.
  if (process.env.MURMUR_RELAY_LOG === '1') {
    child.stdout!.pipe(process.stderr)
    child.stderr!.pipe(process.stderr)
  }
  child.on('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`relay exited unexpectedly (${code ?? signal}):\n${output}\n`)
  })

  const [url, relayAddr] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${output}`)), 30_000)
    const check = (): void => {
      const url = /MURMUR_URL=(\S+)/.exec(output)?.[1]
      const relayAddr = /MURMUR_RELAY=(\S+)/.exec(output)?.[1]
      if (url != null && relayAddr != null) { clearTimeout(timer); resolve([url.replace(/\/$/, ''), relayAddr]) }
    }
    child.stdout!.on('data', check)
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`relay exited with ${code}:\n${output}`)) })
  })

  return {
    url,
    relayAddr,
    dataDir,
    process: child,
    output: () => output,
    stop: async (stopOptions = {}) => {
      stopping = true
      await stopChild(child)
      if (ownsDir && stopOptions.keepData !== true) await removeDir(dataDir)
    },
    kill: async () => {
      stopping = true
      if (child.exitCode == null && child.signalCode == null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }
      if (ownsDir) await removeDir(dataDir)
    }
  }
}

export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
