/** What a secret name may be. Names end up in env var mappings, audit rows and shell commands,
 * so the alphabet is narrow: no path separators, no dot-only names, no control characters. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const SECRET_NAME_RULE =
  'secret names are 1-128 characters of letters, digits, ".", "_" and "-", starting with a letter or digit';

/** Client ids are self-reported labels (shown to people, written to the audit log). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;
export const CLIENT_ID_RULE =
  'client ids are 1-128 characters of letters, digits and . _ : @ + -, starting with a letter or digit';

/** What an environment variable name may be (POSIX portable names). */
export const ENV_VAR_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const LEASE_ID_PATTERN = /^L-[a-z0-9]{10,40}$/;

/** A new store's passphrase has at least this many characters (`secrets init`, the app's first run). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Largest secret value accepted, in bytes of UTF-8. */
export const MAX_VALUE_BYTES = 64 * 1024;

/** Shortens untrusted text for an error message (names can be 10 kB of garbage). */
export function preview(text: string, max = 40): string {
  const printable = JSON.stringify(String(text).slice(0, max));
  return text.length > max ? `${printable}…` : printable;
}
