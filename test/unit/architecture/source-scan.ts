import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative, resolve } from 'node:path'
import ts from 'typescript'

/**
 * What the architecture tests read: every import of every source file, parsed by the
 * TypeScript compiler (so multi-line imports, `export … from`, `import()`, `import type`,
 * `import('x').T` in a type and comments all come out right), with relative specifiers
 * resolved to the file they name and that file's layer.
 */

export const REPO = resolve(import.meta.dirname, '../../..')

export type Layer =
  | 'core' | 'crypto' | 'diagnostics' | 'store' | 'net' | 'app' | 'ui' | 'sw'
  | 'main' | 'src' | 'relay' | 'patches' | 'test' | 'bench' | 'scripts' | 'root'

export interface Import {
  /** The importing file, relative to the repository, with `/` separators. */
  file: string
  line: number
  /** The specifier as written. */
  from: string
  /** The resolved file (relative to the repository) when `from` is a path, else null. */
  target: string | null
  /** The layer of `target`, or null for a package. */
  layer: Layer | null
  /** The package name (`@scope/name` or `name`) when `from` is not a path, else null. */
  pkg: string | null
  /** `import type`, `export type`, every named binding marked `type`, or a type position. */
  typeOnly: boolean
  kind: 'import' | 'export' | 'dynamic' | 'require' | 'type-position' | 'reference'
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|svelte)$/

/** Every source file under `dir` (relative to the repository), sorted. */
export function sourceFiles (dir: string, extensions: RegExp = SOURCE): string[] {
  const out: string[] = []
  for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !extensions.test(entry.name)) continue
    out.push(toRepoPath(join(entry.parentPath, entry.name)))
  }
  return out.filter((f) => !f.split('/').includes('node_modules')).sort()
}

export function layerOf (path: string): Layer {
  const [top, second] = path.split('/')
  if (top === 'src') {
    if (path === 'src/main.ts') return 'main'
    switch (second) {
      case 'core': case 'crypto': case 'diagnostics': case 'store':
      case 'net': case 'app': case 'ui': case 'sw':
        return second
      default: return 'src'
    }
  }
  switch (top) {
    case 'relay': case 'patches': case 'test': case 'bench': case 'scripts': return top
    default: return 'root'
  }
}

/** The package a bare specifier names: `@libp2p/kad-dht/dist/x.js` -> `@libp2p/kad-dht`. */
export function packageOf (specifier: string): string {
  if (specifier.startsWith('node:')) return specifier
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

export function isPath (specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' ||
    specifier === '..' || specifier.startsWith('/')
}

/** The script blocks of a Svelte component, with the line each starts on. */
export function scriptsOf (text: string): Array<{ code: string, firstLine: number }> {
  const out: Array<{ code: string, firstLine: number }> = []
  for (const match of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/g)) {
    const start = match.index + match[0].indexOf('>') + 1
    out.push({ code: match[1]!, firstLine: text.slice(0, start).split('\n').length - 1 })
  }
  return out
}

export interface Script {
  source: ts.SourceFile
  /** Lines before the script in its file (a Svelte component's markup above the block). */
  firstLine: number
}

const scripts = new Map<string, Script[]>()

/**
 * The TypeScript syntax trees of a file: one, or one per script block of a Svelte component
 * (parsed as TypeScript). `text` defaults to the file's contents, read and parsed once.
 */
export function scriptsIn (file: string, text?: string): Script[] {
  if (text == null) {
    let cached = scripts.get(file)
    if (cached == null) scripts.set(file, cached = scriptsIn(file, readFileSync(join(REPO, file), 'utf8')))
    return cached
  }
  const chunks = file.endsWith('.svelte') ? scriptsOf(text) : [{ code: text, firstLine: 0 }]
  return chunks.map(({ code, firstLine }) => ({
    source: ts.createSourceFile(file.replace(/\.svelte$/, '.svelte.ts'), code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
    firstLine
  }))
}

/** The 1-based line of `node` in its file. */
export function lineOf ({ source, firstLine }: Script, node: ts.Node | number): number {
  const pos = typeof node === 'number' ? node : node.getStart(source)
  return firstLine + source.getLineAndCharacterOfPosition(pos).line + 1
}

/** Every import of one file; `text` defaults to the file's contents. */
export function importsOf (file: string, text?: string): Import[] {
  return scriptsIn(file, text).flatMap((script) => importsOfScript(file, script))
}

function importsOfScript (file: string, script: Script): Import[] {
  const { source } = script
  const out: Import[] = []
  const add = (node: ts.Node | number, from: string, typeOnly: boolean, kind: Import['kind']): void => {
    out.push(describe(file, lineOf(script, node), from, typeOnly, kind))
  }
  // `/// <reference path="x.ts" />` names a file, `/// <reference types="vite/client" />` a package.
  for (const ref of source.referencedFiles) add(ref.pos, isPath(ref.fileName) ? ref.fileName : `./${ref.fileName}`, true, 'reference')
  for (const ref of source.typeReferenceDirectives) add(ref.pos, ref.fileName, true, 'reference')
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, importIsTypeOnly(node.importClause), 'import')
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier != null && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause != null && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null
      const typeOnly = node.isTypeOnly || (named != null && named.length > 0 && named.every((e) => e.isTypeOnly))
      add(node, node.moduleSpecifier.text, typeOnly, 'export')
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression
      add(node, ts.isStringLiteralLike(expr) ? expr.text : '<computed>', node.isTypeOnly, 'require')
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument
      const from = ts.isLiteralTypeNode(arg) && ts.isStringLiteralLike(arg.literal) ? arg.literal.text : '<computed>'
      add(node, from, true, 'type-position')
    } else if (ts.isCallExpression(node) && isImportOrRequire(node.expression)) {
      const arg = node.arguments[0]
      const from = arg != null && ts.isStringLiteralLike(arg) ? arg.text : '<computed>'
      add(node, from, false, node.expression.kind === ts.SyntaxKind.ImportKeyword ? 'dynamic' : 'require')
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

function isImportOrRequire (expr: ts.Expression): boolean {
  return expr.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(expr) && expr.text === 'require')
}

function importIsTypeOnly (clause: ts.ImportClause | undefined): boolean {
  if (clause == null) return false // `import './x.css'` runs the module
  if (clause.isTypeOnly) return true
  if (clause.name != null) return false
  const bindings = clause.namedBindings
  return bindings != null && ts.isNamedImports(bindings) && bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
}

function describe (file: string, line: number, from: string, typeOnly: boolean, kind: Import['kind']): Import {
  const bare = from.replace(/[?#].*$/, '') // Vite's `?url`, `?worker`, …
  if (from === '<computed>' || !isPath(bare)) {
    return { file, line, from, target: null, layer: null, pkg: packageOf(bare), typeOnly, kind }
  }
  const target = bare.startsWith('/')
    ? posix.normalize(bare.slice(1))
    : toRepoPath(resolve(REPO, dirname(file), bare))
  return { file, line, from, target, layer: layerOf(target), pkg: null, typeOnly, kind }
}

function toRepoPath (absolute: string): string {
  return relative(REPO, absolute).split(/[\\/]/).join('/')
}

/** Every import of every source file under the given directories (or single files). */
export function importsUnder (...paths: string[]): { files: string[], imports: Import[] } {
  const files = paths.flatMap((p) => SOURCE.test(p) ? [p] : sourceFiles(p))
  return { files, imports: files.flatMap((f) => importsOf(f)) }
}

/** One line per import, for failure messages: `src/ui/X.svelte:3 -> ../net/y.ts (type)`. */
export function show (imports: Import[]): string[] {
  return imports.map((i) => `${i.file}:${i.line} -> ${i.from}${i.typeOnly ? ' (type only)' : ''}`)
}
