import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const UNIT = 'deploy/murmur-relay.service'
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0

describe('the systemd unit in deploy/', () => {
  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify (skipped where systemd-analyze is not installed)', () => {
    // The unit runs Debian's /usr/bin/node; where Node lives elsewhere, verify a copy that
    // names this Node instead (verify checks that ExecStart's program exists).
    let unit = UNIT
    let dir: string | undefined
    if (!existsSync('/usr/bin/node')) {
      dir = mkdtempSync(join(tmpdir(), 'murmur-unit-'))
      unit = join(dir, 'murmur-relay.service')
      writeFileSync(unit, readFileSync(UNIT, 'utf8').replace('/usr/bin/node', process.execPath))
    }
    try {
      const run = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' })
      // verify prints a line for every problem it finds (unknown keys, bad values, missing programs).
      expect(run.stderr + run.stdout).toBe('')
      expect(run.status).toBe(0)
    } finally {
      if (dir != null) rmSync(dir, { recursive: true, force: true })
    }
  })

  it('runs the relay unprivileged, confined, with its state in a StateDirectory', () => {
    const unit = readFileSync(UNIT, 'utf8')
    for (const line of [
      'DynamicUser=yes', 'StateDirectory=murmur-relay', 'NoNewPrivileges=yes', 'ProtectSystem=strict',
      'ProtectHome=yes', 'PrivateTmp=yes', 'Environment=MURMUR_DATA=/var/lib/murmur-relay',
      'ExecReload=/bin/kill -HUP $MAINPID'
    ]) expect(unit.split('\n')).toContain(line)
  })
})
