import { describe, expect, it } from 'vitest'
import { cacheControlOf, contentTypeOf, resolveAppPath } from '../../relay/static-files.ts'

describe('static file paths', () => {
  const app = '/srv/app'

  it('maps request paths inside the app directory', () => {
    expect(resolveAppPath(app, '/assets/index-abc123.js?v=1'))
      .toEqual({ kind: 'file', urlPath: '/assets/index-abc123.js', filePath: '/srv/app/assets/index-abc123.js' })
    expect(resolveAppPath(app, '/')).toEqual({ kind: 'file', urlPath: '/', filePath: '/srv/app/' })
    expect(resolveAppPath(app, '/a%20b.txt')).toMatchObject({ filePath: '/srv/app/a b.txt' })
  })

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/..%5c..%5cetc',
    '/index.html%00.js',
    '/%E0%A4%A',
    'etc/passwd'
  ])('refuses %s', (path) => {
    expect(resolveAppPath(app, path)).toEqual({ kind: 'bad' })
  })

  it('gives hashed assets a long cache and everything else revalidation', () => {
    expect(cacheControlOf('/assets/index-abc123.js')).toContain('immutable')
    expect(cacheControlOf('/index.html')).toBe('no-cache')
    expect(cacheControlOf('/sw.js')).toBe('no-cache')
  })

  it('knows the content types a Vite build produces', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeOf('/a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeOf('/manifest.webmanifest')).toMatch(/^application\/manifest\+json/)
    expect(contentTypeOf('/a.wasm')).toBe('application/wasm')
    expect(contentTypeOf('/unknown.bin')).toBe('application/octet-stream')
  })
})
