export { SessionError, type SessionErrorReason } from './errors.ts'
export { encryptForContact, startSession } from './encrypt.ts'
export { decryptFromContact, decryptFromContactAsync, type DecryptResult } from './decrypt.ts'
export { MAX_SESSIONS_PER_CONTACT, type ContactSessions, type OwnSessionKeys, type SessionEntry } from './types.ts'
