import { describe, expect, it } from 'vitest'
import { GroupReadMarks } from '../../../../src/app/groups/group-read-marks.ts'
import { createMemoryMessengerStore } from '../../../../src/store/memory-messenger-store.ts'

describe('GroupReadMarks', () => {
  it('keeps each group\'s mark across a new instance (a reload) and only moves it forward', async () => {
    const store = createMemoryMessengerStore()
    const marks = new GroupReadMarks(store)
    expect((await marks.all()).size).toBe(0)
    await marks.advance('g1', [5, 'bb'])
    await marks.advance('g2', [2, 'aa'])
    await marks.advance('g1', [4, 'zz'])
    await marks.advance('g1', [5, 'aa'])
    const again = await new GroupReadMarks(store).all()
    expect(again.get('g1')).toEqual([5, 'bb'])
    expect(again.get('g2')).toEqual([2, 'aa'])
    await marks.advance('g1', [5, 'cc'])
    expect((await marks.all()).get('g1')).toEqual([5, 'cc'])
  })

  it('ignores a damaged record', async () => {
    const store = createMemoryMessengerStore()
    await store.saveSetting('group-read-marks', { g1: 'nonsense', g2: [3, 'x'], g3: [1] })
    const marks = await new GroupReadMarks(store).all()
    expect([...marks.keys()]).toEqual(['g2'])
    await store.saveSetting('group-read-marks', 'nonsense')
    expect((await new GroupReadMarks(store).all()).size).toBe(0)
  })
})
