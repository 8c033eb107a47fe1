/**
 * How short a value `secrets exec` can still hide. The masker (electron/cli/exec/masker.ts) leaves
 * shorter values as they are: masking "1" or "ab" would garble all output, and hides little. So exec
 * refuses to run a command with one (it would show in the output), and `secrets add`/`set` and the
 * window say so when one is stored.
 */
export const MIN_MASKED_LENGTH = 4;

export function tooShortToMask(value: string): boolean {
  return value.length < MIN_MASKED_LENGTH;
}

/** What the person is told when storing such a value (the CLI's warning, the window's note). */
export function tooShortToMaskNote(name: string): string {
  return `${name} is shorter than ${MIN_MASKED_LENGTH} characters: secrets exec will refuse to run with it, since it could not hide it in a command's output`;
}

/**
 * Says so, on stderr, for each stored value exec will refuse: to the person storing it (add, set,
 * import), rather than to an agent the first time it runs. Returns the notes for the data's `warnings`.
 */
export function warnTooShortToMask(stored: readonly { name: string; value: string }[], stderr: { write(text: string): unknown }): string[] {
  const notes = stored.filter((s) => tooShortToMask(s.value)).map((s) => tooShortToMaskNote(s.name));
  for (const note of notes) stderr.write(`secrets: warning: ${note}\n`);
  return notes;
}
