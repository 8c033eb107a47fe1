/**
 * The project's files worth reading, found without entering what .gitignore ignores (node_modules,
 * build output: skipping them keeps a scan fast) — except that env files are listed even when ignored,
 * as long as their directory is not. `enterIgnored` (`--no-ignore`) applies no .gitignore at all. Each directory's .gitignore
 * applies below it, deeper files overriding shallower ones as in git; `ignore` (npm) does the
 * pattern matching, which has too many corners (`**`, negation, anchoring, escapes) to hand-write.
 * Symlinked directories are never entered (no loops, nothing outside the project); a symlinked file
 * is read and marked, so `--import` can leave it alone.
 */
import { type Dirent, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { type FileFormat, NEVER_ENTER, formatOf, isEnvFile } from './files.js';

export interface Candidate {
  /** Relative to the project root, with `/`. */
  path: string;
  format: FileFormat;
  symlink: boolean;
}

interface Rules {
  /** The directory the .gitignore sits in, relative to the root ('' for the root), with a trailing `/`. */
  base: string;
  matcher: Ignore;
}

function rulesIn(root: string, dir: string): Rules | null {
  let text: string;
  try {
    text = readFileSync(join(root, dir, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
  return { base: dir === '' ? '' : `${dir}/`, matcher: ignore({ allowRelativePaths: true }).add(text) };
}

/** Whether `path` is ignored by the stack of .gitignore files above it (the deepest verdict wins). */
function isIgnored(stack: readonly Rules[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const rules of stack) {
    const result = rules.matcher.test(path.slice(rules.base.length) + (isDir ? '/' : ''));
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

export interface WalkResult {
  candidates: Candidate[];
  /** Every file seen (read or not), for the report. */
  filesSeen: number;
  /** Directories not entered because .gitignore ignores them (an env file inside is not read). */
  ignoredDirs: number;
}

export interface WalkOptions {
  /** Enter what .gitignore ignores, and read its files (never NEVER_ENTER, never a symlinked directory). */
  enterIgnored?: boolean;
}

export function walkProject(root: string, options: WalkOptions = {}): WalkResult {
  const candidates: Candidate[] = [];
  let filesSeen = 0;
  let ignoredDirs = 0;
  const visit = (dir: string, stack: readonly Rules[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    // Read only where there is one: a failed read per directory costs an exception each.
    const own = !options.enterIgnored && entries.some((e) => e.name === '.gitignore') ? rulesIn(root, dir) : null;
    const here = own ? [...stack, own] : stack;
    // Sorted, so the report and the order of imports are the same on every run.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (NEVER_ENTER.has(entry.name)) continue;
        if (isIgnored(here, path, true)) ignoredDirs++;
        else visit(path, here);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      filesSeen++;
      const format = formatOf(entry.name);
      if (format === null) continue;
      if (!isEnvFile(entry.name) && isIgnored(here, path, false)) continue;
      candidates.push({ path, format, symlink: entry.isSymbolicLink() });
    }
  };
  visit('', []);
  return { candidates, filesSeen, ignoredDirs };
}
