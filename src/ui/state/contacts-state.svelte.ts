import type { ContactBook } from '../../app/contact-book.ts'
import type { Connectivity } from '../../app/connectivity.ts'
import type { Requests } from '../../app/requests.ts'
import type { ConnectionStatus, StoredContact } from '../../core/ports/index.ts'

/** The contact list and how each contact is connected. */
export class ContactsState {
  list = $state.raw<StoredContact[]>([])
  statuses = $state<Record<string, ConnectionStatus>>({})

  constructor (private readonly contacts: ContactBook, private readonly connectivity: Connectivity, private readonly requests: Requests) {}

  find (userId: string | undefined): StoredContact | undefined {
    return userId == null ? undefined : this.list.find((c) => c.userId === userId)
  }

  status (userId: string): ConnectionStatus {
    return this.statuses[userId] ?? 'offline'
  }

  async refresh (): Promise<void> {
    this.list = await this.contacts.list()
    for (const c of this.list) this.statuses[c.userId] = this.connectivity.status(c.userId)
  }

  statusChanged (userId: string): void {
    this.statuses[userId] = this.connectivity.status(userId)
  }

  async add (input: string): Promise<StoredContact> {
    const contact = await this.contacts.add(input)
    await this.refresh()
    return contact
  }

  safetyNumber (contact: StoredContact): { digits: string[], qr: string } {
    return this.contacts.safetyNumber(contact)
  }

  async setVerified (userId: string, verified: boolean): Promise<void> {
    await this.contacts.setVerified(userId, verified)
  }

  /** The person's own name for a contact; empty falls back to theirs. */
  async rename (userId: string, name: string): Promise<void> {
    await this.contacts.rename(userId, name)
    await this.refresh()
  }

  async remove (userId: string): Promise<void> {
    await this.requests.remove(userId)
    await this.refresh()
  }

  async block (userId: string): Promise<void> {
    await this.requests.block(userId)
    await this.refresh()
  }

  async acceptKeyChange (userId: string): Promise<void> {
    await this.contacts.acceptKeyChange(userId)
  }
}
