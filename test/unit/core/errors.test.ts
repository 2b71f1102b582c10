import { describe, expect, it } from 'vitest'
import * as errors from '../../../src/core/errors.ts'

describe('core errors', () => {
  it('each carry their own class name, so callers can match on `name`', () => {
    const made = [
      new errors.DecodeError('seq', 'the data ends early'),
      new errors.InvalidUserIdError(),
      new errors.InvalidInviteError('signature', 'changed'),
      new errors.InvalidContactInputError(),
      new errors.InvalidRecordError('expired', 'old'),
      new errors.InvalidEnvelopeError('not-for-me', 'elsewhere'),
      new errors.FrameTooLargeError(70000, 65536)
    ]
    for (const err of made) {
      expect(err).toBeInstanceOf(Error)
      expect(err.name).toBe(err.constructor.name)
      expect(err.message.length).toBeGreaterThan(0)
    }
  })

  it('keep the field and the reason', () => {
    expect(new errors.DecodeError('seq', 'x')).toMatchObject({ field: 'seq', message: 'Could not read seq: x' })
    expect(new errors.InvalidRecordError('wrong-key', 'm', { field: 'key' })).toMatchObject({ reason: 'wrong-key', field: 'key' })
  })
})
