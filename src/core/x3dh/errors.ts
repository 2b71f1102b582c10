import { ReasonedError } from '../errors.ts'

// Errors of the session setup. Like the rest of core: a small named error, a `reason` that
// callers match on, the `field` that failed, and a message a person can read.

export type X3dhErrorReason = 'malformed' | 'signature' | 'weak-key'

/** Session setup refused: a key has the wrong shape, is not signed by its owner, or is weak. */
export class X3dhError extends ReasonedError<X3dhErrorReason> {
  override name = 'X3dhError'
}

export type InvalidInitialMessageReason = 'malformed' | 'oversize' | 'signature'

/** A first message of a session that cannot be read, or whose keys are not bound to its sender. */
export class InvalidInitialMessageError extends ReasonedError<InvalidInitialMessageReason> {
  override name = 'InvalidInitialMessageError'
}
