import { describe, expect, it } from 'vitest'
import { assertFrameSize, MAX_FRAME_BYTES } from '../../../src/core/frame.ts'
import { thrown } from './support.ts'

describe('frame size', () => {
  it('is 64 KiB', () => {
    expect(MAX_FRAME_BYTES).toBe(65536)
  })

  it('accepts up to the cap and refuses one byte more, saying both numbers', () => {
    expect(() => assertFrameSize(0)).not.toThrow()
    expect(() => assertFrameSize(MAX_FRAME_BYTES)).not.toThrow()
    const err = thrown(() => assertFrameSize(MAX_FRAME_BYTES + 1))
    expect(err).toMatchObject({ name: 'FrameTooLargeError', size: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES })
    expect(err.message).toContain('65537')
  })
})
