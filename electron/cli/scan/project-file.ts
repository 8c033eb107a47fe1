/**
 * The project's `.secrets.json` after an import: the existing file (validated by the same parser
 * `exec` uses, so a broken one stops the import before anything moves) with each moved env var
 * mapped to its secret. Other keys (`client_id`, `env_file`, an entry's `ttl`) are kept as written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_FILE, parseProjectConfig } from '../project-config.js';
import { SECRET_NAME_PATTERN } from '../../../shared/names.js';

export interface ProjectFile {
  path: string;
  /** The file as read (null when there is none), to be written back only if it is still that. */
  bytes: Buffer | null;
  raw: { secrets: Array<Record<string, unknown>>; [key: string]: unknown };
  /** env var → secret name, as the file maps them now. */
  mapped: Map<string, string>;
}

/** @throws DaemonError INVALID_CONFIG when the existing file is not valid. */
export function readProjectFile(root: string): ProjectFile {
  const path = join(root, PROJECT_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return { path, bytes: null, raw: { secrets: [] }, mapped: new Map() };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    raw = undefined;
  }
  const config = parseProjectConfig(raw, path);
  return { path, bytes, raw: raw as ProjectFile['raw'], mapped: new Map(config.secrets.map((s) => [s.env_var, s.name])) };
}

/** Maps `env_var` to `name`: replaces the name of an existing entry for it (keeping its ttl), else appends. */
export function mapEnvVar(file: ProjectFile, env_var: string, name: string): void {
  const entry = file.raw.secrets.find((s) => s.env_var === env_var);
  if (entry) entry.name = name;
  else file.raw.secrets.push({ name, env_var });
  file.mapped.set(env_var, name);
}

export function projectFileText(file: ProjectFile): string {
  return JSON.stringify(file.raw, null, 2) + '\n';
}

/** A secret name from an env var: `GITHUB_TOKEN` → `github_token` (shared/names.ts rule). */
export function secretNameFor(key: string): string {
  const name = key.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').replace(/^[^a-z0-9]+/, '').slice(0, 120);
  return SECRET_NAME_PATTERN.test(name) ? name : 'secret';
}
