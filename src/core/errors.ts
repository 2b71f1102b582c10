// Small named errors: callers match on `name` (and `reason`), people read `message`.

/**
 * An input refused for a known reason. Subclasses give the name (`override name = ...`) and
 * the reasons; `field`, where one field is at fault, names it.
 */
export abstract class ReasonedError<Reason extends string> extends Error {
  readonly reason: Reason
  readonly field: string | undefined
  constructor (reason: Reason, message: string, options: { field?: string, cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.reason = reason
    this.field = options.field
  }
}

/**
 * A configuration that cannot be used: a relay's flag or environment variable, or the
 * configuration a relay serves to the app. The message is one sentence that names the setting.
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Bytes that do not follow the codec; `field` names the first one that failed. */
export class DecodeError extends Error {
  override name = 'DecodeError'
  readonly field: string
  constructor (field: string, message: string) {
    super(`Could not read ${field}: ${message}`)
    this.field = field
  }
}

export type InvalidUserIdReason =
  | 'mistyped' // no more said
  | 'empty'
  | 'prefix' // does not start with the ids' prefix
  | 'length' // `actualLength` characters, not USER_ID_LENGTH
  | 'alphabet' // a character ids never use
  | 'last-character' // a last character no key can end in
  | 'checksum'

export class InvalidUserIdError extends ReasonedError<InvalidUserIdReason> {
  override name = 'InvalidUserIdError'
  /** 'length': how many characters the text had. */
  readonly actualLength: number | undefined
  constructor (
    reason: InvalidUserIdReason = 'mistyped',
    message = 'This Murmur ID looks mistyped. Check it letter by letter, or ask for an invite link.',
    options: { actualLength?: number } = {}
  ) {
    super(reason, message)
    this.actualLength = options.actualLength
  }
}

export type InvalidInviteReason = 'malformed' | 'oversize' | 'signature' | 'too-far-future'

export class InvalidInviteError extends ReasonedError<InvalidInviteReason> {
  override name = 'InvalidInviteError'
}

export class InvalidContactInputError extends Error {
  override name = 'InvalidContactInputError'
  constructor (message = 'That is neither a Murmur ID nor an invite link.') {
    super(message)
  }
}

export type InvalidRecordReason = 'malformed' | 'oversize' | 'signature' | 'expired' | 'too-far-future' | 'wrong-key'

export class InvalidRecordError extends ReasonedError<InvalidRecordReason> {
  override name = 'InvalidRecordError'
}

export type InvalidEnvelopeReason = 'malformed' | 'oversize' | 'signature' | 'not-for-me'

export class InvalidEnvelopeError extends ReasonedError<InvalidEnvelopeReason> {
  override name = 'InvalidEnvelopeError'
}

export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError'
  readonly size: number
  readonly max: number
  constructor (size: number, max: number) {
    super(`A frame of ${size} bytes is over the limit of ${max} bytes.`)
    this.size = size
    this.max = max
  }
}
