import { describe, expect, it } from 'vitest'
import { SERVICE_WORKER_URL, trustedServiceWorkerUrl } from '../../../src/app/pwa/trusted-sw-url.ts'
import { LOW_QUOTA_BYTES, requestPersistentStorage } from '../../../src/app/pwa/storage-persistence.ts'

describe('Trusted Types policy for the service worker', () => {
  it('makes a script URL for /sw.js and refuses any other', () => {
    let rule: ((url: string) => string) | undefined
    const made = trustedServiceWorkerUrl({
      createPolicy: (name, rules) => {
        expect(name).toBe('murmur-sw')
        rule = rules.createScriptURL
        return { createScriptURL: (url) => ({ trusted: rules.createScriptURL(url) }) }
      }
    })
    expect(made).toEqual({ trusted: SERVICE_WORKER_URL })
    expect(() => rule!('https://evil.example/sw.js')).toThrow(/not Murmur's service worker/)
  })

  it('hands the plain URL to browsers without Trusted Types', () => {
    expect(trustedServiceWorkerUrl(undefined)).toBe('/sw.js')
  })
})

describe('persistent storage request', () => {
  const storage = (over: Partial<Record<'persist' | 'persisted' | 'estimate', () => Promise<any>>>) => ({
    persisted: async () => false,
    persist: async () => false,
    estimate: async () => ({ usage: 10, quota: 10 * LOW_QUOTA_BYTES }),
    ...over
  })

  it('reports a refusal and the quota', async () => {
    expect(await requestPersistentStorage(storage({}))).toEqual({ persisted: false, usageBytes: 10, quotaBytes: 10 * LOW_QUOTA_BYTES, low: false })
  })

  it('does not ask again once granted', async () => {
    let asked = false
    const status = await requestPersistentStorage(storage({ persisted: async () => true, persist: async () => { asked = true; return true } }))
    expect(status.persisted).toBe(true)
    expect(asked).toBe(false)
  })

  it('flags a quota with less free room than a long history needs', async () => {
    expect((await requestPersistentStorage(storage({ estimate: async () => ({ usage: 5, quota: LOW_QUOTA_BYTES }) }))).low).toBe(true)
  })

  it('never throws: a browser that answers nothing leaves the fields unknown', async () => {
    const status = await requestPersistentStorage(storage({ persisted: async () => { throw new Error('no') }, estimate: async () => { throw new Error('no') } }))
    expect(status).toEqual({ persisted: undefined, usageBytes: undefined, quotaBytes: undefined, low: false })
  })
})
