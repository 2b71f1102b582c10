import { describe, expect, it } from 'vitest'
import { isNotFound } from '../../../src/net/presence-records.ts'
import { InvalidRecordError } from '../../../src/core/errors.ts'

class NotFoundError extends Error { override name = 'NotFoundError' }

describe('isNotFound', () => {
  it('treats a missing or invalid record as none, also inside the AggregateError libp2p 3 throws', () => {
    expect(isNotFound(new NotFoundError('no'))).toBe(true)
    expect(isNotFound(new AggregateError([new NotFoundError('a'), new NotFoundError('b')]))).toBe(true)
    expect(isNotFound(new InvalidRecordError('expired', 'expired'))).toBe(true)
  })

  it('lets real failures through', () => {
    expect(isNotFound(new Error('aborted'))).toBe(false)
    expect(isNotFound(new AggregateError([new NotFoundError('a'), new Error('reset')]))).toBe(false)
    expect(isNotFound(new AggregateError([]))).toBe(false)
  })
})
