/**
 * Which secrets a tool call means: the ones it names, or those of the `.secrets.json` of its
 * directory (the nearest one up the tree, as `secrets exec` finds it). Named secrets are checked by
 * the same rules as the file's entries, so both give the same errors.
 */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { DaemonError } from '../../shared/errors.js';
import { type ProjectSecret, loadProjectConfig, parseProjectConfig } from '../cli/project-config.js';

/** The input fields that say which secrets and where (shared by secrets_exec and secrets_request). */
export const WANTED_SECRETS_INPUT = {
  cwd: z.string().optional().describe("absolute path of the project directory (default: the MCP server's working directory); its .secrets.json is used unless `secrets` is given"),
  secrets: z
    .array(
      z.object({
        name: z.string().describe('the secret, as secrets_list names it'),
        env_var: z.string().optional().describe('the environment variable to put it in (default: the name in upper case, e.g. github_token → GITHUB_TOKEN)'),
      }),
    )
    .min(1)
    .max(100)
    .optional()
    .describe('the secrets to use instead of those of .secrets.json'),
};

export interface WantedSecretsInput {
  cwd?: string | undefined;
  secrets?: { name: string; env_var?: string | undefined }[] | undefined;
}

/** The env var a named secret goes in when none is given: `github-token` → `GITHUB_TOKEN`. */
export function defaultEnvVar(name: string): string {
  const upper = name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[0-9]/.test(upper) ? `_${upper}` : upper;
}

/**
 * The directory a call runs in.
 * @throws DaemonError USAGE when it is not an absolute path to an existing directory.
 */
export function workingDirectory(cwd: string | undefined): string {
  if (cwd === undefined) return process.cwd();
  const hint = 'give cwd as an absolute path to an existing directory';
  if (!isAbsolute(cwd)) throw new DaemonError('USAGE', `cwd must be an absolute path, got ${JSON.stringify(cwd.slice(0, 200))}`, hint);
  let isDirectory = false;
  try {
    isDirectory = statSync(cwd).isDirectory();
  } catch {
    // Not there: said below.
  }
  if (!isDirectory) throw new DaemonError('USAGE', `${cwd} is not a directory`, hint);
  return cwd;
}

/**
 * @throws DaemonError INVALID_PARAMS naming the bad entry of `secrets`; from .secrets.json
 * INVALID_CONFIG, or PROJECT_NOT_FOUND when there is none.
 */
export function wantedSecrets(input: WantedSecretsInput, cwd: string): ProjectSecret[] {
  if (input.secrets === undefined) return loadProjectConfig(cwd).secrets;
  const entries = input.secrets.map((s) => ({ name: s.name, env_var: s.env_var ?? defaultEnvVar(s.name) }));
  try {
    return parseProjectConfig({ secrets: entries }, 'the secrets given').secrets;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DaemonError('INVALID_PARAMS', message, 'name secrets as secrets_list shows them, each env_var at most once (letters, digits and _)');
  }
}
