import { GCM_TAG_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../../crypto/index.ts'

// Every bound of the group core in one place. Other members choose the messages, parents,
// clocks and iterations we see, so each of these caps what one member can make us compute
// or keep.

// --- Causal order ---

/** Parents one message may name: the heads its author had seen, at most this many. */
export const MAX_PARENTS = 16

/** Lamport clocks above this are refused: they fit in 41 bits, far inside safe integers. */
export const MAX_CLOCK = 2 ** 40

/**
 * A clock may be at most this far above its highest parent's (an honest author always uses
 * exactly +1, see nextClock). Without it one forged message at MAX_CLOCK would leave no
 * clock for any later message and stop the group; with it that takes 2^30 messages.
 */
export const MAX_CLOCK_STEP = 1024

/** Messages held while their parents are missing; past this the oldest held are dropped. */
export const MAX_HELD = 1000

/** Bytes held (see heldMessageBytes) by default; past this the oldest held are dropped. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024

/** A held message whose parents have not arrived within this is dropped by pruneHeld. */
export const HELD_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000

/** An author is a user id; this only bounds what a forged one can cost. */
export const MAX_AUTHOR_BYTES = 128

/** The opaque body of one group message (the sealed sender-key message) fits a 64 KiB frame. */
export const MAX_BODY_BYTES = 64 * 1024

// --- Sender keys ---

/** Message keys skipped in one chain by one message, at most (as the Double Ratchet's MAX_SKIP). */
export const MAX_SKIP = 1000

/** Skipped message keys kept per sender key; past this the oldest are dropped first. */
export const MAX_STORED_SKIPPED = 2000

/** Iterations travel as varints; a chain stops here and the app creates a new sender key. */
export const MAX_ITERATION = 0xffffffff

/** A sealed group message stays under MAX_BODY_BYTES, with room for what the app wraps it in. */
export const MAX_GROUP_MESSAGE_BYTES = 63 * 1024

// version ‖ bytes(signing key) ‖ varint(iteration, at most 5 bytes) ‖ bytes(ciphertext: a
// 3-byte length near the cap) ‖ signature.
const MESSAGE_OVERHEAD = 1 + 1 + PUBLIC_KEY_BYTES + 5 + 3 + GCM_TAG_BYTES + SIGNATURE_BYTES

/** The largest plaintext encryptGroupMessage takes. */
export const MAX_GROUP_PLAINTEXT_BYTES = MAX_GROUP_MESSAGE_BYTES - MESSAGE_OVERHEAD

// --- Rotation ---

/** A member makes a new sender key after this many messages on one chain... */
export const SENDER_KEY_MAX_MESSAGES = 1000
/** ...or after this long, whichever comes first (and always when someone is removed). */
export const SENDER_KEY_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000
