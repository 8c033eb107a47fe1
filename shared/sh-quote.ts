/** `text` as one single-quoted sh word: nothing inside is expanded (a `'` is closed, escaped, reopened). */
export function shSingleQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
