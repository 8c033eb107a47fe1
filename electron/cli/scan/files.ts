/**
 * Which files `secrets scan` reads: where credentials are kept in plain text by habit, not every
 * source file (a scan must stay well under a second on a big project, and source code is full of
 * random-looking strings that are not credentials).
 *
 * - env files: `.env`, `.env.*` (`.env.local`, `.env.production`, `.env.example`), `*.env` — read even
 *   when .gitignore ignores them (they are ignored precisely because they hold secrets), but not inside
 *   a directory it ignores unless `--no-ignore` (walk.ts);
 * - credential files by name: `.npmrc`, `.yarnrc`, `.yarnrc.yml`, `.pypirc`, `.netrc`, `_netrc`,
 *   `.git-credentials`, `.dockercfg`, `.docker/config.json`, `credentials` (as in `.aws/`), `.s3cfg`,
 *   `.boto`;
 * - config files by extension: `.json`, `.yaml`, `.yml`, `.toml`, `.ini`, `.cfg`, `.conf`,
 *   `.properties`, `.tfvars`, `.tfstate`;
 * - key files: `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (not `.pub`), `*.pem`, `*.key`.
 *
 * Never read: lock files (`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, …: hashes, and large),
 * `.secrets.json` (names only), files over MAX_FILE_BYTES.
 */

export type FileFormat = 'dotenv' | 'netrc' | 'lines';

/** Larger files are skipped: credential files are small, and a 50 MB JSON fixture would cost the budget. */
export const MAX_FILE_BYTES = 1024 * 1024;

const CREDENTIAL_FILES = new Set(['.npmrc', '.yarnrc', '.yarnrc.yml', '.pypirc', '.git-credentials', '.dockercfg', '.s3cfg', '.boto', 'credentials']);
const NETRC_FILES = new Set(['.netrc', '_netrc']);
const KEY_FILES = new Set(['id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk']);
const CONFIG_EXTENSIONS = /\.(json|yaml|yml|toml|ini|cfg|conf|properties|tfvars|tfstate|pem|key)$/i;
const NEVER = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'composer.lock', 'Cargo.lock', 'poetry.lock', 'Gemfile.lock', '.secrets.json']);

/** True for `.env`, `.env.local`, `prod.env`: the files read even when ignored, and rewritten by --import. */
export function isEnvFile(name: string): boolean {
  return name === '.env' || name.startsWith('.env.') || (name.endsWith('.env') && name.length > 4);
}

/** How to read a file with this name, or null when the scan leaves it alone. */
export function formatOf(name: string): FileFormat | null {
  if (isEnvFile(name)) return 'dotenv';
  if (NEVER.has(name)) return null;
  if (NETRC_FILES.has(name)) return 'netrc';
  if (CREDENTIAL_FILES.has(name) || KEY_FILES.has(name) || CONFIG_EXTENSIONS.test(name)) return 'lines';
  return null;
}

/** Directories never entered, ignored or not: version control internals and installed packages. */
export const NEVER_ENTER = new Set(['.git', '.hg', '.svn', 'node_modules']);
