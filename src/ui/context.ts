import { getContext, setContext } from 'svelte'
import type { LocaleState } from './state/locale-state.svelte.ts'
import type { Session } from './state/session.svelte.ts'

/**
 * Each component takes, by context, only the state it uses: the contact list needs the
 * contacts and the navigation, not the settings. `provideSession` is called once, by the
 * component that shows the open profile; `provideLocale` once, by the app, since the
 * screens before a profile opens speak the person's language too.
 */
const KEY = Symbol('murmur:session')
const LOCALE_KEY = Symbol('murmur:locale')

export function provideLocale (locale: LocaleState): void {
  setContext(LOCALE_KEY, locale)
}

/**
 * The context a component reads its language from, for showing it outside the app (a
 * server render in a test). Takes anything with LocaleState's texts and formatters.
 */
export function localeContext (locale: Pick<LocaleState, 't' | 'time' | 'timeWithSeconds' | 'number'>): Map<symbol, unknown> {
  return new Map([[LOCALE_KEY, locale]])
}

/** The UI's language: `t(key, params)` for a text, `time(at)` and `number(n)` formatted for it. */
export function useLocale (): LocaleState {
  const found = getContext<LocaleState | undefined>(LOCALE_KEY)
  if (found == null) throw new Error('The app provides the locale before any component is shown.')
  return found
}

export function provideSession (session: Session): void {
  setContext(KEY, session)
}

function session (): Session {
  const found = getContext<Session | undefined>(KEY)
  if (found == null) throw new Error('This component is shown only once a profile is open.')
  return found
}

export const useProfile = (): Session['profile'] => session().profile
export const useContacts = (): Session['contacts'] => session().contacts
export const useRequests = (): Session['requests'] => session().requests
export const useConversation = (): Session['conversation'] => session().conversation
export const useGroups = (): Session['groups'] => session().groups
export const useNavigation = (): Session['navigation'] => session().navigation
export const useNetwork = (): Session['network'] => session().network
export const useSettings = (): Session['settings'] => session().settings
export const usePwa = (): Session['pwa'] => session().pwa
export const useDiagnostics = (): Session['diagnostics'] => session().diagnostics
export const useLeaving = (): Session['leaving'] => session().leaving
/** Adding a contact opens their conversation: it spans the contact list and navigation. */
export const useAddContact = (): ((input: string) => Promise<void>) => {
  const s = session()
  return async (input) => { await s.addContact(input) }
}
export const useSummaries = (): Session['summaries'] => session().summaries
