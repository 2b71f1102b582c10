import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { REPO, lineOf, scriptsIn, sourceFiles } from './source-scan.ts'

/**
 * House rules every source file in src/ and relay/ keeps (docs/ARCHITECTURE.md, "Layers
 * and where things live"). A justified exception to the last two carries, on its line or the
 * line above, `// allow-any: <why>` or `// allow-silent-catch: <why>`. The one today is
 * src/app/locks.ts, whose queue waits for a run to settle while the caller gets its rejection.
 */

const MAX_LINES = 300
const SOURCE = /\.(ts|mts|mjs|js|svelte)$/
const files = [...sourceFiles('src', SOURCE), ...sourceFiles('relay', SOURCE)]

function lineCount (text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

interface Finding { file: string, line: number, text: string }

/**
 * Nodes `pick` accepts in a file (every script block of a component), minus those with an
 * `// <allow>: <why>` comment on their line or the line above. `text` is for fixtures.
 */
function find (file: string, allow: string, pick: (node: ts.Node) => boolean, text?: string): Finding[] {
  const allowed = new RegExp(`//\\s*${allow}:\\s*\\S.{9,}`)
  const out: Finding[] = []
  for (const script of scriptsIn(file, text)) {
    const { source } = script
    const lines = source.text.split('\n')
    const visit = (node: ts.Node): void => {
      if (pick(node)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line
        if (!allowed.test(lines[line] ?? '') && !allowed.test(lines[line - 1] ?? '')) {
          out.push({ file, line: lineOf(script, node), text: (lines[line] ?? '').trim() })
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return out
}

const show = (findings: Finding[]): string[] => findings.map((f) => `${f.file}:${f.line} ${f.text}`)

/** A function that does nothing: `() => {}`, `function () {}`, `() => { /* comment *\/ }`. */
function isEmptyFunction (node: ts.Node | undefined): boolean {
  return node != null && (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) &&
    ts.isBlock(node.body) && node.body.statements.length === 0
}

/** `.catch(() => {})`, or `.then(ok, () => {})`: a rejection dropped without a word. */
function isSilentCatch (node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return false
  const method = node.expression.name.text
  return (method === 'catch' && isEmptyFunction(node.arguments[0])) ||
    (method === 'then' && isEmptyFunction(node.arguments[1]))
}

const isCatchCall = (node: ts.Node): boolean =>
  ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'catch'

/** A written `any`: `x: any`, `as any`, `<any>x`, `any[]`, `Record<string, any>`, `(err: any) =>`. */
const isAny = (node: ts.Node): boolean => node.kind === ts.SyntaxKind.AnyKeyword

// Each scan parses every source file: seconds on a loaded 2-core machine, beyond vitest's 5 s default.
describe('house rules', { timeout: 60_000 }, () => {
  it(`no source file in src/ or relay/ is longer than ${MAX_LINES} lines`, () => {
    expect(files.filter((f) => f.endsWith('.svelte')).length).toBeGreaterThan(10)
    const sizes = files.map((file) => ({ file, lines: lineCount(readFileSync(join(REPO, file), 'utf8')) }))
    // The count works: the tree has files well past half the limit.
    expect(Math.max(...sizes.map((s) => s.lines))).toBeGreaterThan(MAX_LINES / 2)
    expect(sizes.filter((s) => s.lines > MAX_LINES).map((s) => `${s.file} (${s.lines} lines)`)).toEqual([])
  })

  it('no rejection is dropped silently: no .catch(() => {}) in src/ or relay/', () => {
    const fixture = [
      'p.catch(() => {})',
      'p.catch((err) => { /* nothing */ })',
      'p.then(ok, function () {})',
      'p.catch(() => {}) // allow-silent-catch: the stream is gone and nobody waits on it',
      'p.catch((err: unknown) => { log.error("failed", err) })'
    ].join('\n')
    expect(find('src/x.ts', 'allow-silent-catch', isSilentCatch, fixture).map((f) => f.line)).toEqual([1, 2, 3])
    // The scan sees the tree's handlers: there are many .catch calls, all of them say something.
    expect(files.flatMap((f) => find(f, 'allow-silent-catch', isCatchCall)).length).toBeGreaterThan(20)
    expect(show(files.flatMap((f) => find(f, 'allow-silent-catch', isSilentCatch)))).toEqual([])
  })

  it('no any in src/ or relay/: no `: any`, `as any` or `err: any`', () => {
    const fixture = [
      'let a: any',
      'const b = c as any',
      'p.catch((err: any) => { log(err.message) })',
      'type R = Record<string, any>',
      '// allow-any: a third-party callback typed any upstream',
      'let d: any',
      'let e: unknown // any other type is fine'
    ].join('\n')
    expect(find('src/x.ts', 'allow-any', isAny, fixture).map((f) => f.line)).toEqual([1, 2, 3, 4])
    const unknowns = files.flatMap((f) => find(f, 'allow-any', (n) => n.kind === ts.SyntaxKind.UnknownKeyword))
    expect(unknowns.length, 'the scan reads type annotations').toBeGreaterThan(20)
    expect(show(files.flatMap((f) => find(f, 'allow-any', isAny)))).toEqual([])
  })
})
