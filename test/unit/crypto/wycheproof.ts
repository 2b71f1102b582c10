import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

// Wycheproof lives beside the project (../shared/vectors/wycheproof from the repo root), not in
// it, so that its licence and provenance (SOURCE.md: the pinned commit) stay with it.
export const WYCHEPROOF_DIR = fileURLToPath(new URL('../../../../shared/vectors/wycheproof/', import.meta.url))

export interface WycheproofSuite<Group> {
  algorithm: string
  numberOfTests: number
  testGroups: Group[]
}

/**
 * describe(title) over the named suite, or one skipped test saying why when the folder is
 * absent, so a missing suite shows up in the report instead of passing silently.
 */
export function describeWycheproof<Group> (file: string, title: string, body: (suite: WycheproofSuite<Group>) => void): void {
  const path = WYCHEPROOF_DIR + file
  if (!existsSync(path)) {
    it.skip(`${title}: skipped because ${path} is absent (Wycheproof lives beside the project, in ../shared/vectors/wycheproof)`, () => {})
    return
  }
  const suite = JSON.parse(readFileSync(path, 'utf8')) as WycheproofSuite<Group>
  describe(title, () => body(suite))
}
