import type { StoredGroupMessage, StoredMessage } from '../../core/ports/index.ts'
import { compareGroupMessages, compareMessages } from '../../core/message-state.ts'

/**
 * The list with `message` replacing the one with its id, or inserted in display order.
 * Every other element keeps its identity, so a keyed `{#each}` re-renders one item.
 */
export function upsertMessage (list: readonly StoredMessage[], message: StoredMessage): StoredMessage[] {
  const at = list.findIndex((m) => m.id === message.id)
  if (at !== -1) return list.with(at, message)
  let i = list.length
  while (i > 0 && compareMessages(list[i - 1]!, message) > 0) i--
  return [...list.slice(0, i), message, ...list.slice(i)]
}

/** The same for a group's history, in its causal order (clock, then id). */
export function upsertGroupMessages (list: readonly StoredGroupMessage[], added: readonly StoredGroupMessage[]): StoredGroupMessage[] {
  let next = [...list]
  for (const message of added) {
    if (message.unreadable === 'before-join') continue
    const at = next.findIndex((m) => m.id === message.id)
    if (at !== -1) { next[at] = message; continue }
    let i = next.length
    while (i > 0 && compareGroupMessages(next[i - 1]!, message) > 0) i--
    next = [...next.slice(0, i), message, ...next.slice(i)]
  }
  return next
}
