/** One scan of a project: walk it, read the candidate files, detect credentials in each. */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonError } from '../../../shared/errors.js';
import { type Detected, detect } from './detect.js';
import { MAX_FILE_BYTES, isEnvFile } from './files.js';
import { type WalkOptions, walkProject } from './walk.js';

export interface Found extends Detected {
  file: string;
}

export interface ScannedEnvFile {
  path: string;
  /** The bytes as read, so --import backs up and rewrites exactly what it scanned. */
  bytes: Buffer;
  symlink: boolean;
}

export interface ScanResult {
  /** The project's real path. */
  root: string;
  filesSeen: number;
  filesRead: number;
  /** Directories .gitignore ignores, not entered. */
  ignoredDirs: number;
  found: Found[];
  /** Env files that hold findings, for --import. */
  envFiles: ScannedEnvFile[];
}

/** A regular file's bytes (through a symlink when `follow`), or null: missing, not regular, too big, binary. */
function readCandidate(path: string, follow: boolean): Buffer | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (follow ? 0 : constants.O_NOFOLLOW) | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const content = bytes.subarray(0, read);
    return content.subarray(0, 8192).includes(0) ? null : content;
  } finally {
    closeSync(fd);
  }
}

/** @throws DaemonError USAGE when `dir` is not a directory that can be read. */
export function scanProject(dir: string, options: WalkOptions = {}): ScanResult {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw new DaemonError('USAGE', `cannot scan ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'usage: secrets scan [DIR]');
  }
  const { candidates, filesSeen, ignoredDirs } = walkProject(root, options);
  const found: Found[] = [];
  const envFiles: ScannedEnvFile[] = [];
  let filesRead = 0;
  for (const candidate of candidates) {
    const bytes = readCandidate(join(root, candidate.path), candidate.symlink);
    if (bytes === null) continue;
    filesRead++;
    const detected = detect(bytes.toString('utf8'), candidate.format);
    if (detected.length === 0) continue;
    for (const d of detected) found.push({ file: candidate.path, ...d });
    if (isEnvFile(candidate.path.slice(candidate.path.lastIndexOf('/') + 1))) envFiles.push({ path: candidate.path, bytes, symlink: candidate.symlink });
  }
  return { root, filesSeen, filesRead, ignoredDirs, found, envFiles };
}
