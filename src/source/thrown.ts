/** A thrown value in words: its message when it is an Error, else the value itself as text. */
export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
