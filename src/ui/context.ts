import { getContext, setContext } from 'svelte'
import type { AppState } from './state/app-state.svelte.ts'

const KEY = Symbol('murmur:app-state')

export function setAppState (state: AppState): void {
  setContext(KEY, state)
}

export function getAppState (): AppState {
  return getContext<AppState>(KEY)
}
