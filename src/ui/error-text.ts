/** What to tell the person about a refusal: the error's own sentence, or its text. */
export function errorText (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
