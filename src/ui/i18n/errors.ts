import type { Notice } from '../../app/change-bus.ts'
import { MIN_PASSPHRASE_CHARS } from '../../app/boot.ts'
import { TEXT_MAX_CHARS } from '../../core/text-rules.ts'
import { USER_ID_LENGTH } from '../../core/user-id.ts'
import { errorMessage, propertyOf } from '../../diagnostics/index.ts'
import type { Translate } from './catalogue.ts'

/**
 * The one place where errors thrown by the app become sentences in the person's language.
 * Errors are matched by `name` and `reason` (never by their English text); one this table
 * does not know keeps its own message, so nothing is ever hidden.
 */

type Describe = (t: Translate, err: unknown) => string | undefined

const text = (err: unknown, key: string): string => {
  const value = propertyOf(err, key)
  return typeof value === 'string' ? value : ''
}

/** The plain messages by `reason`, shared by the errors that refuse a message before it is stored. */
const MESSAGE_REFUSED: Readonly<Record<string, Describe>> = {
  empty: (t) => t('error.messageEmpty'),
  'too-long': (t) => t('error.messageTooLong', { max: TEXT_MAX_CHARS }),
  'broken-text': (t) => t('error.messageBroken')
}

/** "This Murmur ID looks mistyped: <what is wrong>." */
const mistyped = (t: Translate, detail: string): string => t('error.userIdDetail', { detail })

/** By error name, then by reason. */
const BY_NAME: Readonly<Record<string, Readonly<Record<string, Describe>>>> = {
  SendError: {
    ...MESSAGE_REFUSED,
    'no-contact': (t) => t('error.noContact'),
    'key-changed': (t, err) => t('error.keyChanged', { name: text(err, 'contactName') })
  },
  GroupError: {
    ...MESSAGE_REFUSED,
    'no-group': (t) => t('error.noGroup'),
    'not-member': (t) => t('error.notInGroup'),
    'no-members': (t) => t('error.groupNeedsMember'),
    'remove-self': (t) => t('error.removeSelf'),
    'not-admin': (t) => t('error.notAdmin')
  },
  ProfileError: {
    'display-name': (t) => t('error.displayName'),
    exists: (t) => t('error.profileExists'),
    'own-id': (t) => t('error.ownId'),
    'not-contact': (t) => t('error.memberNotContact'),
    'no-contact': (t) => t('error.noContact'),
    'passphrase-mismatch': (t) => t('error.passphraseMismatch')
  },
  KeyChangedError: { '': (t, err) => t('error.keyChanged', { name: text(err, 'contactName') }) },
  KeyRecordError: {
    'passphrase-too-short': (t) => t('error.passphraseTooShort', { min: MIN_PASSPHRASE_CHARS }),
    damaged: (t) => t('error.storageKeyDamaged'),
    'no-passphrase': (t) => t('error.noPassphrase')
  },
  WrongPassphraseError: { '': (t) => t('error.wrongPassphrase') },
  RelayAddressError: {
    empty: (t) => t('error.relayEmpty'),
    malformed: (t, err) => t('error.relayMalformed', { input: text(err, 'input') }),
    circuit: (t) => t('error.relayCircuit'),
    'not-websocket': (t) => t('error.relayNotWebsocket'),
    'no-peer-id': (t) => t('error.relayNoPeerId'),
    duplicate: (t) => t('error.relayDuplicate')
  },
  PushUnavailableError: {
    unsupported: (t) => t('error.pushUnsupported'),
    'no-gateway': (t) => t('error.pushNoGateway'),
    blocked: (t) => t('error.pushBlocked'),
    'no-service-worker': (t) => t('error.pushNoServiceWorker'),
    'no-push-service': (t) => t('error.pushNoPushService')
  },
  // Status 0: the gateway was not reached. Otherwise its message quotes the gateway's own words.
  PushGatewayError: { '': (t, err) => propertyOf(err, 'status') === 0 ? t('error.pushGatewayUnreachable') : undefined },
  InvalidInviteError: {
    malformed: (t) => t('error.inviteMalformed'),
    oversize: (t) => t('error.inviteOversize'),
    signature: (t) => t('error.inviteSignature'),
    'too-far-future': (t) => t('error.inviteFuture')
  },
  InvalidContactInputError: { '': (t) => t('error.contactInput') },
  InvalidUserIdError: {
    mistyped: (t) => t('error.userId'),
    empty: (t) => mistyped(t, t('error.userId.empty')),
    prefix: (t) => mistyped(t, t('error.userId.prefix')),
    length: (t, err) => mistyped(t, t('error.userId.length', { length: Number(propertyOf(err, 'actualLength')), expected: USER_ID_LENGTH })),
    alphabet: (t) => mistyped(t, t('error.userId.alphabet')),
    'last-character': (t) => mistyped(t, t('error.userId.lastCharacter')),
    checksum: (t) => mistyped(t, t('error.userId.checksum'))
  },
  MailboxFullError: { '': (t) => t('error.mailboxFull') }
}

/** What to tell the person about `err`, in the language of `t`. */
export function describeError (err: unknown, t: Translate): string {
  const byReason = BY_NAME[text(err, 'name')]
  const reason = propertyOf(err, 'reason')
  const describe = byReason?.[typeof reason === 'string' ? reason : ''] ?? byReason?.['']
  return describe?.(t, err) ?? errorMessage(err)
}

/** A notice from the app (ChangeBus kind 'notice'), or an error the UI itself shows in its place. */
export type ShownNotice = Notice | { code: 'error', params: { error: unknown } }

export function describeNotice (notice: ShownNotice, t: Translate): string {
  switch (notice.code) {
    case 'no-mailbox': return t('notice.noMailbox', { name: notice.params.name })
    case 'mailbox-write-failed':
    case 'error': return describeError(notice.params.error, t)
  }
}
