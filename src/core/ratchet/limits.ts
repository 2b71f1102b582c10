import { GCM_NONCE_BYTES, GCM_TAG_BYTES } from '../../crypto/index.ts'

// Every bound of the Double Ratchet in one place. A peer chooses the message numbers we see,
// so each of these caps what one peer can make us compute or keep.

/** Double Ratchet section 3.1 MAX_SKIP: message keys skipped in one chain by one message, at most. */
export const MAX_SKIP = 1000

/** Skipped message keys kept per session; past this the oldest are dropped first. */
export const MAX_STORED_SKIPPED = 2000

/** A skipped message key (and a retired header key) is dropped this long after it was stored. */
export const SKIPPED_KEY_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000

/** ...or once this many DH ratchet steps have happened since, whichever comes first. */
export const SKIPPED_KEY_MAX_DH_STEPS = 50

/** A ratchet message must fit a 64 KiB frame with 1 KiB to spare for what wraps it. */
export const MAX_RATCHET_MESSAGE_BYTES = 64 * 1024 - 1024

/** Message numbers travel as 32-bit fields in the header. */
export const MAX_MESSAGE_NUMBER = 0xffffffff

/** Header plaintext: the ratchet key (length-prefixed), PN and N as fixed 4-byte fields. */
export const HEADER_BYTES = 1 + 32 + 4 + 4

/** The random nonce is sent in front of the sealed header. */
export const ENCRYPTED_HEADER_BYTES = GCM_NONCE_BYTES + HEADER_BYTES + GCM_TAG_BYTES

// version ‖ varint(69) ‖ encrypted header ‖ varint(ciphertext length) ‖ ciphertext ‖ tag.
// A ciphertext near the cap (2^14 <= length < 2^21) takes a 3-byte varint; a test pins that
// the largest plaintext makes a message of exactly MAX_RATCHET_MESSAGE_BYTES.
const MESSAGE_OVERHEAD = 1 + 1 + ENCRYPTED_HEADER_BYTES + 3 + GCM_TAG_BYTES

/** The largest plaintext ratchetEncrypt takes. */
export const MAX_RATCHET_PLAINTEXT_BYTES = MAX_RATCHET_MESSAGE_BYTES - MESSAGE_OVERHEAD

/**
 * The largest stored state decodeRatchetState reads: MAX_STORED_SKIPPED skipped keys take at
 * most 55 bytes each (110,000 in all); the retired header keys and fixed fields under 3,000.
 */
export const MAX_RATCHET_STATE_BYTES = 128 * 1024
