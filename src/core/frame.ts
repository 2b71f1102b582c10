import { FrameTooLargeError } from './errors.ts'

/**
 * The largest frame accepted on `/murmur/dm/1.0.0`. A message is capped at 4000 characters
 * (12,000 UTF-8 bytes at most), so 64 KiB leaves room for what later issues add
 * (encryption headers, attachments' metadata) while bounding what a peer can make us hold.
 */
export const MAX_FRAME_BYTES = 64 * 1024

export function assertFrameSize (size: number): void {
  if (size > MAX_FRAME_BYTES) throw new FrameTooLargeError(size, MAX_FRAME_BYTES)
}
