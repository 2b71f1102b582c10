import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { stopChild } from './child-process.ts'

export const hasNginx = spawnSync('sh', ['-c', 'command -v nginx'], { stdio: 'ignore' }).status === 0

export interface RunningNginx {
  port: number
  output: () => string
  stop: () => Promise<void>
}

function replaceOnce (text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`deploy/nginx-murmur.conf no longer contains "${from}": update this test with it`)
  return text.replaceAll(from, to)
}

async function answersHealth (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path: '/health', servername: 'localhost', rejectUnauthorized: false }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    }).on('error', () => { resolve(false) })
  })
}

/**
 * nginx running the site configuration shipped in deploy/nginx-murmur.conf, with only what
 * a test must change: localhost for the name, free loopback ports, the test certificate, the
 * relay's ports. Everything nginx writes goes to a temp directory.
 */
export async function startNginx (init: { certFile: string, keyFile: string, relayHttpPort: number, relayWsPort: number }): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'murmur-nginx-'))
  const port = await freePort()
  let site = await readFile('deploy/nginx-murmur.conf', 'utf8')
  site = replaceOnce(site, '/etc/letsencrypt/live/chat.example.org/fullchain.pem', init.certFile)
  site = replaceOnce(site, '/etc/letsencrypt/live/chat.example.org/privkey.pem', init.keyFile)
  site = replaceOnce(site, 'chat.example.org', 'localhost')
  site = replaceOnce(site, '    listen 80;\n    listen [::]:80;\n', `    listen 127.0.0.1:${await freePort()};\n`)
  site = replaceOnce(site, '    listen 443 ssl;\n    listen [::]:443 ssl;\n', `    listen 127.0.0.1:${port} ssl;\n`)
  site = replaceOnce(site, 'http://127.0.0.1:8080;', `http://127.0.0.1:${init.relayHttpPort};`)
  site = replaceOnce(site, 'http://127.0.0.1:8081;', `http://127.0.0.1:${init.relayWsPort};`)
  const temp = (name: string): string => `${name}_temp_path ${join(dir, name)};`
  const conf = [
    'daemon off;', 'user root;', 'worker_processes 1;', `pid ${join(dir, 'nginx.pid')};`, `error_log ${join(dir, 'error.log')} warn;`,
    'events {}',
    `http { access_log off; ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')}`,
    site,
    '}'
  ].join('\n')
  const confFile = join(dir, 'nginx.conf')
  await writeFile(confFile, conf)
  const child = spawn('nginx', ['-p', dir, '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += String(chunk) })
  child.stderr.on('data', (chunk) => { output += String(chunk) })
  const stop = async (): Promise<void> => {
    await stopChild(child)
    await rm(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 15_000
  while (!await answersHealth(port)) {
    if (child.exitCode != null || Date.now() > deadline) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
      await stop()
      throw new Error(`nginx did not proxy to the relay:\n${output}\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { port, output: () => output, stop }
}
