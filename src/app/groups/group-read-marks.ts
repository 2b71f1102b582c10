import type { ReadMark } from '../../core/conversation-summary.ts'
import type { SettingStore } from '../../core/ports/index.ts'

/** One sealed setting for every group, so the store's readable keys name no group. */
const GROUP_READ_MARKS = 'group-read-marks'

type Marks = Record<string, ReadMark>

/**
 * Where the person stopped reading each group: the display order (clock, id) of the newest
 * message seen. One-to-one messages carry their own read state; group messages are shared
 * rows (the same for every member), so what we read is kept beside them, sealed like every
 * setting. Each write reads the record first: another tab may have moved another group's mark.
 */
export class GroupReadMarks {
  constructor (private readonly store: SettingStore) {}

  async all (): Promise<ReadonlyMap<string, ReadMark>> {
    return new Map(Object.entries(await this.load()))
  }

  /** Moves a group's mark forward to `mark`; never back. */
  async advance (groupId: string, mark: ReadMark): Promise<void> {
    const marks = await this.load()
    const current = marks[groupId]
    if (current != null && (current[0] > mark[0] || (current[0] === mark[0] && current[1] >= mark[1]))) return
    await this.store.saveSetting(GROUP_READ_MARKS, { ...marks, [groupId]: [mark[0], mark[1]] })
  }

  private async load (): Promise<Marks> {
    const value = await this.store.loadSetting<unknown>(GROUP_READ_MARKS)
    if (value == null || typeof value !== 'object') return {}
    const marks: Marks = {}
    for (const [id, mark] of Object.entries(value)) {
      if (Array.isArray(mark) && typeof mark[0] === 'number' && typeof mark[1] === 'string') marks[id] = [mark[0], mark[1]]
    }
    return marks
  }
}
