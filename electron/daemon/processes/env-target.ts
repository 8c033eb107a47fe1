/**
 * Where `secrets env` may write: inside the project that asked for it, never in the store. An agent
 * running as the same user talks to the socket directly and names any path it likes, so the daemon
 * checks every rule itself; the CLI only sends the real paths a person would expect.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';

export const PROJECT_FILE = '.secrets.json';

/** Room for the temporary name written beside the file (NAME_MAX is 255). */
const MAX_NAME = 200;

const refuse = (message: string, hint: string) => new DaemonError('USAGE', message, hint);
const OUT_HINT = 'write it inside the project that holds .secrets.json: secrets env [--out FILE]';

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/**
 * Checks the project directory: absolute, a real directory reached without symlinks, holding a
 * regular .secrets.json.
 * @throws DaemonError USAGE naming the rule and what to do.
 */
export function checkProjectDir(projectDir: string): void {
  const hint = 'run secrets env from the project directory itself (its real path, not through a symlink)';
  if (!isAbsolute(projectDir)) throw refuse(`the project directory must be an absolute path: ${projectDir}`, hint);
  const real = realOrNull(projectDir);
  if (real === null) throw refuse(`the project directory ${projectDir} does not exist`, hint);
  if (real !== projectDir) throw refuse(`the project directory ${projectDir} is reached through a symlink (its real path is ${real})`, hint);
  if (!lstatSync(projectDir).isDirectory()) throw refuse(`${projectDir} is not a directory`, hint);
  let project;
  try {
    project = lstatSync(resolve(projectDir, PROJECT_FILE));
  } catch {
    throw refuse(`${projectDir} holds no ${PROJECT_FILE}: env files are written only inside a project`, hint);
  }
  if (!project.isFile()) throw refuse(`${resolve(projectDir, PROJECT_FILE)} is not a regular file`, hint);
}

/**
 * Checks where the env file goes: an absolute, normalised path whose directory is the project
 * directory or below it, reached without any symlinked component, not inside the data dir, and not
 * .secrets.json itself. What is at the path now is checked when writing, through the open directory.
 * @throws DaemonError USAGE naming the rule and what to do.
 */
export function checkEnvTarget(path: string, projectDir: string, dataDir: string): void {
  checkProjectDir(projectDir);
  if (!isAbsolute(path) || resolve(path) !== path) throw refuse(`the env file path must be absolute and normalised (no "..", no trailing "/"): ${path}`, OUT_HINT);
  const name = basename(path);
  const dir = dirname(path);
  if (name === PROJECT_FILE) throw refuse(`the env file cannot be ${PROJECT_FILE} itself`, OUT_HINT);
  if (name.length > MAX_NAME) throw refuse(`the env file name is longer than ${MAX_NAME} characters`, OUT_HINT);
  if (!isWithin(dir, projectDir)) throw refuse(`${path} is outside the project ${projectDir}: env files are written only inside the project that holds ${PROJECT_FILE}`, OUT_HINT);
  const realDir = realOrNull(dir);
  if (realDir === null) throw refuse(`the directory ${dir} does not exist`, `create it first, or ${OUT_HINT}`);
  if (realDir !== dir) throw refuse(`${dir} is reached through a symlink (its real path is ${realDir}): env files are written only where no symlink leads`, OUT_HINT);
  for (const data of new Set([resolve(dataDir), realOrNull(dataDir) ?? resolve(dataDir)])) {
    if (isWithin(path, data)) throw refuse(`${path} is inside the store's data dir ${data}: the daemon never writes env files there`, OUT_HINT);
  }
}
