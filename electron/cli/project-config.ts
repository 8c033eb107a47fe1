/**
 * `.secrets.json`: which secrets a project needs and the env vars they go in — the format of the
 * original agent-secrets README, plus an optional `env_file`. Found in the current directory or the
 * nearest parent. Validated by hand (the CLI bundle carries no schema library: it is on every cold
 * start), with errors that name the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DaemonError } from '../../shared/errors.js';
import { tryParseDuration } from '../../shared/durations.js';
import { CLIENT_ID_PATTERN, CLIENT_ID_RULE, ENV_VAR_PATTERN as ENV_VAR, SECRET_NAME_PATTERN, SECRET_NAME_RULE, preview } from '../../shared/names.js';

export const PROJECT_FILE = '.secrets.json';

export interface ProjectSecret {
  name: string;
  env_var: string;
  ttl?: string;
}

export interface ProjectConfig {
  /** Absolute path of the .secrets.json it came from. */
  path: string;
  secrets: ProjectSecret[];
  client_id?: string;
  /** Absolute path for `secrets env` (default: .env beside .secrets.json). */
  env_file: string;
}

const KEYS = new Set(['secrets', 'client_id', 'env_file']);
const SECRET_KEYS = new Set(['name', 'env_var', 'ttl']);

/** The nearest .secrets.json at or above `from`, or null. */
export function findProjectFile(from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, PROJECT_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

function invalid(path: string, field: string, problem: string): DaemonError {
  return new DaemonError('INVALID_CONFIG', `${path}: ${field}: ${problem}`, `fix ${PROJECT_FILE}; format: {"secrets": [{"name": "github_token", "env_var": "GITHUB_TOKEN", "ttl": "30m"}], "client_id": "my-project"}`);
}

/** @throws DaemonError INVALID_CONFIG naming the field. */
export function parseProjectConfig(raw: unknown, path: string): ProjectConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(path, '(top level)', 'must be a JSON object');
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top)) if (!KEYS.has(key)) throw invalid(path, key, 'unknown key');
  if (!Array.isArray(top.secrets) || top.secrets.length === 0) throw invalid(path, 'secrets', 'must be a non-empty array');
  const seen = new Map<string, number>();
  const secrets = top.secrets.map((entry: unknown, i: number): ProjectSecret => {
    const at = `secrets[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(path, at, 'must be an object with name and env_var');
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!SECRET_KEYS.has(key)) throw invalid(path, `${at}.${key}`, 'unknown key');
    if (typeof e.name !== 'string' || !SECRET_NAME_PATTERN.test(e.name)) throw invalid(path, `${at}.name`, SECRET_NAME_RULE);
    if (typeof e.env_var !== 'string' || !ENV_VAR.test(e.env_var)) {
      throw invalid(path, `${at}.env_var`, `${preview(String(e.env_var))} is not a valid environment variable name (letters, digits, _; not starting with a digit)`);
    }
    const first = seen.get(e.env_var);
    if (first !== undefined) throw invalid(path, `${at}.env_var`, `${e.env_var} is already used by secrets[${first}]`);
    seen.set(e.env_var, i);
    if (e.ttl !== undefined && (typeof e.ttl !== 'string' || (tryParseDuration(e.ttl) ?? 0) <= 0)) throw invalid(path, `${at}.ttl`, 'must be a duration such as 30m or 1h');
    return e.ttl === undefined ? { name: e.name, env_var: e.env_var } : { name: e.name, env_var: e.env_var, ttl: e.ttl as string };
  });
  if (top.client_id !== undefined && (typeof top.client_id !== 'string' || !CLIENT_ID_PATTERN.test(top.client_id))) throw invalid(path, 'client_id', CLIENT_ID_RULE);
  if (top.env_file !== undefined && (typeof top.env_file !== 'string' || top.env_file.length === 0)) throw invalid(path, 'env_file', 'must be a file path');
  const config: ProjectConfig = { path, secrets, env_file: resolve(dirname(path), (top.env_file as string | undefined) ?? '.env') };
  if (top.client_id !== undefined) config.client_id = top.client_id as string;
  return config;
}

/** @throws DaemonError PROJECT_NOT_FOUND when there is none; INVALID_CONFIG when it is bad. */
export function loadProjectConfig(from = process.cwd()): ProjectConfig {
  const path = findProjectFile(from);
  if (path === null) {
    throw new DaemonError('PROJECT_NOT_FOUND', `no ${PROJECT_FILE} in ${resolve(from)} or any parent`, `create one: {"secrets": [{"name": "github_token", "env_var": "GITHUB_TOKEN"}]}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw invalid(path, '(file)', `not valid JSON (${(error as Error).message})`);
  }
  return parseProjectConfig(raw, path);
}
