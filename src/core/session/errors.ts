import { ReasonedError } from '../errors.ts'

export type SessionErrorReason =
  | 'needs-prekey' // no session yet and no prekey bundle to start one
  | 'malformed' // the payload is not a session payload
  | 'wrong-sender' // an initial message from another identity than the link's
  | 'unknown-prekey' // sent to a prekey we no longer (or never) held
  | 'replay' // an initial message we already accepted, and no session from it is left
  | 'replay-cache-full' // a start that pushes a session out, with no room left to remember that session's start
  | 'replay-quota' // the same, when this sender already holds its share of that room
  | 'peer-quota' // one PeerId starting sessions for more identities than a tab has
  | 'no-session' // a ratchet message that no session of ours can read

/** A session payload was refused (or could not be made); nothing was changed. */
export class SessionError extends ReasonedError<SessionErrorReason> {
  override name = 'SessionError'
}
