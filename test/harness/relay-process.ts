import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { stopChild } from './child-process.ts'

export interface RelayProcess {
  url: string
  /** The relay's websockets multiaddr, ending in /p2p/<peer id> (for another relay's --bootstrap). */
  relayAddr: string
  child: ChildProcess
  /** Everything the relay printed, for assertions and for failure reports. */
  output: () => string
  /** SIGTERM (or the signal given), and the exit code once it has exited (SIGKILL after 10 s). */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export interface RelayRun {
  code: number | null
  stdout: string
  stderr: string
}

const RELAY = ['--import', './relay/preload.mjs', 'relay/main.ts']
/** The package's "bin" entry (murmur-relay): the relay alone, as the systemd unit runs it. */
export const BIN = ['relay/bin.mjs']
/** `npm start`, which builds the app when it is stale and then runs the relay. */
export const START = ['scripts/start.mjs']

/** Runs the relay to completion, for arguments that make it exit by itself. */
export async function runRelay (args: string[], env: Record<string, string> = {}, entry = RELAY): Promise<RelayRun> {
  const child = spawn(process.execPath, [...entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += String(chunk) })
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code] = await once(child, 'exit') as [number | null]
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/**
 * Starts the real relay on loopback with a free port and waits for the machine-readable
 * lines it prints (MURMUR_URL, MURMUR_RELAY). The one way the tests and benchmarks start a
 * relay; startRelay (relay.ts) builds on it for a relay that serves the built app.
 */
export async function startRelayProcess (args: string[], entry = RELAY, env: Record<string, string> = {}): Promise<RelayProcess> {
  const child = spawn(process.execPath, [...entry, '--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  })
  let output = ''
  child.stdout.on('data', (chunk) => { output += String(chunk) })
  child.stderr.on('data', (chunk) => { output += String(chunk) })
  // MURMUR_RELAY_LOG=1 shows the relay's output live, to diagnose a failing run.
  if (process.env.MURMUR_RELAY_LOG === '1') {
    child.stdout.pipe(process.stderr)
    child.stderr.pipe(process.stderr)
  }

  // Relay tests check what a clean shutdown does, so the relay gets 10 s before SIGKILL.
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => stopChild(child, { signal, graceMs: 10_000 })

  try {
    const [url, relayAddr] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`relay did not start:\n${output}`)) }, 30_000)
      child.stdout.on('data', () => {
        const url = /^MURMUR_URL=(\S+)$/m.exec(output)?.[1]
        const relayAddr = /^MURMUR_RELAY=(\S+)$/m.exec(output)?.[1]
        if (url != null && relayAddr != null) { clearTimeout(timer); resolve([url, relayAddr]) }
      })
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`relay exited with ${code}:\n${output}`)) })
    })
    return { url, relayAddr, child, output: () => output, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
