import { describe, expect, it } from 'vitest'
import { pathOfStats } from '../../../src/net/connection-path.ts'

/** Shaped like Chromium's getStats() entries (fields trimmed to the ones that matter). */
function report (localType: string, remoteType: string): Array<Record<string, unknown>> {
  return [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP0', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R0', state: 'failed' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', nominated: true },
    { id: 'L0', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R0', type: 'remote-candidate', candidateType: 'relay' },
    { id: 'L1', type: 'local-candidate', candidateType: localType },
    { id: 'R1', type: 'remote-candidate', candidateType: remoteType }
  ]
}

describe('the path of a WebRTC connection', () => {
  it('is direct when the selected pair joins host, server- or peer-reflexive candidates', () => {
    expect(pathOfStats(report('host', 'host') as any)).toBe('direct')
    expect(pathOfStats(report('srflx', 'prflx') as any)).toBe('direct')
  })

  it('is turn when either end of the selected pair is a relay candidate, whatever other pairs hold', () => {
    expect(pathOfStats(report('relay', 'host') as any)).toBe('turn')
    expect(pathOfStats(report('srflx', 'relay') as any)).toBe('turn')
  })

  it('reads a pair marked selected where there is no transport entry (Firefox)', () => {
    const entries = report('relay', 'relay').filter((e) => e.type !== 'transport')
    ;(entries.find((e) => e.id === 'CP1') as any).selected = true
    expect(pathOfStats(entries as any)).toBe('turn')
  })

  it('is unknown while no pair is selected', () => {
    expect(pathOfStats(report('host', 'host').filter((e) => e.type !== 'transport') as any)).toBeUndefined()
  })
})
