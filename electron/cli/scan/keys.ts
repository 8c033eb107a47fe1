/**
 * Which keys name a secret (`GITHUB_TOKEN`, `db_password`, `apiKey`, `_authToken`) and which only
 * mention one (`TOKEN_URL`, `PASSWORD_MIN_LENGTH`, `AUTH_DOMAIN`): only the first are judged by the
 * entropy of their value, so a URL or a setting next to a secret is not reported as one.
 */

/** Words that make a key secret-looking, matched on the key split into words (camelCase, `_`, `-`, `.`). */
const SECRET_WORDS = /^(token|tokens|secret|secrets|password|passwords|passwd|pwd|pass|passphrase|apikey|privatekey|private|credential|credentials|creds|auth|authtoken|bearer|signingkey|encryptionkey|accesskey|secretkey|clientsecret|sessionkey|masterkey)$/;
/** Two words that together name a key: `API_KEY`, `ACCESS_KEY`, `SIGNING_KEY`. */
const KEY_PREFIXES = /^(api|access|secret|private|signing|encryption|session|master|app|client|license|webhook|account|service)$/;
/**
 * Last words that make the key a setting about a secret rather than the secret: its URL, its length,
 * where it lives, its type, whether it is on.
 */
const SETTING_WORDS = /^(url|uri|urls|endpoint|host|hostname|domain|port|path|file|dir|directory|name|names|user|username|login|id|ids|type|mode|provider|method|algorithm|alg|header|region|expiry|expires|expiration|ttl|timeout|length|len|size|min|max|enabled|enable|disabled|required|policy|scope|scopes|version|prefix|format|env|field|location|issuer|audience|public|pub|hint|rotation|lifetime|duration|cache)$/;

/** Splits `dbPassword`, `DB_PASSWORD`, `db.password`, `//host/:_authToken` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when the key's value is meant to be a secret. */
export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  const last = words[words.length - 1]!;
  if (SETTING_WORDS.test(last)) return false;
  if (words.some((w) => w === 'public' || w === 'pub')) return false;
  if (words.some((w) => SECRET_WORDS.test(w))) return true;
  return last === 'key' && words.length >= 2 && KEY_PREFIXES.test(words[words.length - 2]!);
}
