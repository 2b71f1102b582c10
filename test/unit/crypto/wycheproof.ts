import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The suites are vendored with their licence and pinned commit (SOURCE.md there), so the
// known-answer tests read nothing outside the repository.
export const WYCHEPROOF_DIR = fileURLToPath(new URL('../../vectors/wycheproof/', import.meta.url))

export interface WycheproofSuite<Group> {
  algorithm: string
  numberOfTests: number
  testGroups: Group[]
}

/**
 * describe(title) over the named suite. A missing file is a failing test, not a skip: a
 * primitive whose vectors went missing would otherwise pass with nothing checked.
 */
export function describeWycheproof<Group> (file: string, title: string, body: (suite: WycheproofSuite<Group>) => void): void {
  const path = WYCHEPROOF_DIR + file
  if (!existsSync(path)) {
    it(`${title}: the vectors are in the repository`, () => {
      expect.fail(`${path} is missing: copy it from the Wycheproof commit named in test/vectors/wycheproof/SOURCE.md`)
    })
    return
  }
  const suite = JSON.parse(readFileSync(path, 'utf8')) as WycheproofSuite<Group>
  describe(title, () => body(suite))
}
