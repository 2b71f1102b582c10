import { ReasonedError } from '../errors.ts'

export type SessionErrorReason =
  | 'needs-prekey' // no session yet and no prekey bundle to start one
  | 'malformed' // the payload is not a session payload
  | 'wrong-sender' // an initial message from another identity than the link's
  | 'unknown-prekey' // sent to a prekey we no longer (or never) held
  | 'replay' // an initial message we already accepted, and no session from it is left
  | 'replay-cache-full'
  | 'no-session' // a ratchet message that no session of ours can read

/** A session payload was refused (or could not be made); nothing was changed. */
export class SessionError extends ReasonedError<SessionErrorReason> {
  override name = 'SessionError'
}
