import type { ContactBook } from '../../app/contact-book.ts'
import type { Groups, GroupView } from '../../app/groups/groups.ts'
import type { StoredGroupMessage } from '../../core/ports/index.ts'
import type { ContactsState } from './contacts-state.svelte.ts'
import { upsertGroupMessages } from './message-list.ts'
import { displayName } from '../../core/requests.ts'

/** The groups, and the open group conversation. */
export class GroupsState {
  list = $state.raw<GroupView[]>([])
  groupId = $state<string>()
  messages = $state.raw<StoredGroupMessage[]>([])
  selected = $derived(this.list.find((g) => g.groupId === this.groupId))

  constructor (
    private readonly groups: Groups,
    private readonly contactBook: ContactBook,
    private readonly contacts: ContactsState,
    private readonly self: { userId: string, name: string },
    /** The open group was seen: everything in it so far is read. */
    private readonly seen: (groupId: string) => void = () => {}
  ) {
    this.list = groups.list()
  }

  refresh (): void {
    this.list = this.groups.list()
  }

  async open (groupId: string | undefined): Promise<void> {
    this.groupId = groupId
    this.messages = groupId == null ? [] : await this.groups.messages(groupId)
    this.markSeen()
  }

  /** Creates a group with these contacts; returns its id. */
  async create (name: string, memberIds: string[]): Promise<string> {
    const group = await this.groups.create(name, await this.contactBook.asMembers(memberIds))
    this.refresh()
    return group.groupId
  }

  async send (text: string): Promise<void> {
    if (this.groupId == null) return
    await this.groups.send(this.groupId, text)
  }

  async addMember (userId: string): Promise<void> {
    if (this.groupId == null) return
    const [member] = await this.contactBook.asMembers([userId])
    await this.groups.addMember(this.groupId, member!)
  }

  async removeMember (userId: string): Promise<void> {
    if (this.groupId != null) await this.groups.removeMember(this.groupId, userId)
  }

  async leave (): Promise<void> {
    if (this.groupId != null) await this.groups.leave(this.groupId)
  }

  /** A group's messages changed; `messages` are the rows that did, when that is all. */
  async changed (groupId: string, messages: StoredGroupMessage[] | undefined): Promise<void> {
    if (groupId !== this.groupId) return
    this.messages = messages != null ? upsertGroupMessages(this.messages, messages) : await this.groups.messages(groupId)
    this.markSeen()
  }

  /** The open group, on screen (the tab visible): its messages are read. */
  markSeen (): void {
    if (this.groupId != null && document.visibilityState === 'visible') this.seen(this.groupId)
  }

  /** A member's name: as a contact (a local name first, over what the admin calls them), as this group knows it, or the short id. */
  memberName (userId: string): string {
    return this.knownName(userId) ?? this.selected?.members.find((m) => m.userId === userId)?.name ?? `${userId.slice(0, 10)}…`
  }

  /** A name in a status line: as a contact, or the one the line kept (a member who left is in no state now). */
  eventName (userId: string, kept: string): string {
    return this.knownName(userId) ?? kept
  }

  private knownName (userId: string): string | undefined {
    if (userId === this.self.userId) return this.self.name
    const contact = this.contacts.find(userId)
    return contact == null ? undefined : displayName(contact)
  }
}
