/**
 * Thrown values are `unknown`: an Error, a DOMException, a Node system error with a `code`,
 * or anything at all. These read them without `any`.
 */

/** The sentence an error carries, or the value as text. */
export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** One property of an unknown value (a thrown error's `code` or `name`, a field of parsed JSON), when it has it. */
export function propertyOf (err: unknown, key: string): unknown {
  return typeof err === 'object' && err != null ? (err as Record<string, unknown>)[key] : undefined
}
