export type * from './records.ts'
export type * from './storage.ts'
export type * from './network.ts'
