/**
 * `secrets scan --import`: the credentials found in env files move into the store. In order, so that
 * a failure at any step leaves nothing lost:
 *  1. plan: which `KEY=value` entries move, and why the others stay (symlinked file, not an env file,
 *     a token in a comment, …) — before anything is changed;
 *  2. the daemon (one admin request) writes an age-encrypted backup of each env file to the data dir,
 *     then stores each value (a name taken by another value gets a suffix: handlers/scan.ts);
 *  3. `.secrets.json` maps each env var to its secret;
 *  4. each env file is rewritten with those values removed (only if it still holds what was scanned).
 * Values live in memory only, from the scan to the request.
 */
import { ENV_VAR_PATTERN, MAX_VALUE_BYTES } from '../../../shared/names.js';
import type { ParamsOf, ResultOf } from '../../../shared/protocol.js';
import { type DotenvEntry, parseDotenvLines } from './dotenv-lines.js';
import { mapEnvVar, projectFileText, readProjectFile, secretNameFor } from './project-file.js';
import { replaceInside } from './safe-write.js';
import type { Found, ScanResult, ScannedEnvFile } from './scan.js';

/** Env files larger than this are not moved (the request to the daemon must fit in one frame). */
export const MAX_ENV_FILE_BYTES = 256 * 1024;

export type ImportCall = (params: ParamsOf<'scan.import'>) => Promise<ResultOf<'scan.import'>>;

export interface Moved {
  file: string;
  line: number;
  key: string;
  secret_name: string;
  /** `added`: a new secret; `existing`: the store already held this value under that name. */
  outcome: 'added' | 'existing';
  /** Whether `.secrets.json` maps the env var to it (the first file's value wins: root files first). */
  mapped: boolean;
}

export interface Left {
  file: string;
  line: number;
  key: string | null;
  kind: string;
  reason: string;
}

export interface ImportOutcome {
  moved: Moved[];
  /** Credentials still in plain text, and why. */
  left: Left[];
  backups: Array<{ file: string; path: string }>;
  rewritten: string[];
  secrets_json: string | null;
}

interface Planned {
  file: ScannedEnvFile;
  entry: DotenvEntry;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const leave = (f: Found, reason: string): Left => ({ file: f.file, line: f.line, key: f.key, kind: f.kind, reason });

/** Why a whole env file cannot be moved, or null. */
function fileProblem(file: ScannedEnvFile): string | null {
  if (file.symlink) return 'the file is a symlink: only files inside the project are rewritten; move it by hand';
  if (file.bytes.length > MAX_ENV_FILE_BYTES) return `the file is larger than ${MAX_ENV_FILE_BYTES / 1024} KiB; move it by hand`;
  try {
    strictUtf8.decode(file.bytes);
  } catch {
    return 'the file is not UTF-8 text; move it by hand';
  }
  return null;
}

/** Why one entry cannot be moved, or null. */
function entryProblem(entry: DotenvEntry): string | null {
  if (!ENV_VAR_PATTERN.test(entry.key)) return `${entry.key.slice(0, 60)} is not an environment variable name; move it by hand`;
  if (utf8Bytes(entry.value) > MAX_VALUE_BYTES || entry.value.includes('\0')) return `the value is over ${MAX_VALUE_BYTES / 1024} KiB or holds a NUL byte; move it by hand`;
  return null;
}

/** Root files first, then deeper ones, each by path: the order `.secrets.json` mapping follows. */
function byDepth(a: { path: string }, b: { path: string }): number {
  const depth = (p: string) => p.split('/').length;
  return depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

function plan(scan: ScanResult): { planned: Planned[]; left: Left[] } {
  const planned: Planned[] = [];
  const left: Left[] = [];
  const envFiles = new Map(scan.envFiles.map((f) => [f.path, f]));
  for (const found of scan.found) if (!envFiles.has(found.file)) left.push(leave(found, 'not an env file: store it with  secrets add NAME  and delete it from the file by hand'));
  for (const file of [...scan.envFiles].sort(byDepth)) {
    const findings = scan.found.filter((f) => f.file === file.path);
    const problem = fileProblem(file);
    if (problem) {
      left.push(...findings.map((f) => leave(f, problem)));
      continue;
    }
    const entries = parseDotenvLines(file.bytes.toString('utf8'));
    const taken = new Set<DotenvEntry>();
    for (const f of findings) {
      const entry = entries.find((e) => e.key === f.key && f.line >= e.line && f.line <= e.endLine);
      const why = entry ? entryProblem(entry) : 'not in a KEY=value line (a comment?): delete it by hand';
      if (why) left.push(leave(f, why));
      else if (!taken.has(entry!)) {
        taken.add(entry!);
        planned.push({ file, entry: entry! });
      }
    }
  }
  return { planned, left };
}

/** The file's text with each moved entry's value removed and a comment saying where it went. */
export function rewriteEnvText(text: string, moved: Array<{ entry: DotenvEntry; name: string }>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  for (const { entry, name } of [...moved].sort((a, b) => b.entry.line - a.entry.line)) {
    const indent = /^\s*/.exec(entry.prefix)![0];
    const replacement = [`${indent}# ${entry.key}: moved to Agent Secrets (secret ${name}); run with  secrets exec -- CMD  to have it set`, `${entry.prefix}${entry.key}=`];
    lines.splice(entry.line - 1, entry.endLine - entry.line + 1, ...replacement);
  }
  return lines.join(eol);
}

export async function importFindings(scan: ScanResult, call: ImportCall): Promise<ImportOutcome> {
  const project = readProjectFile(scan.root);
  const { planned, left } = plan(scan);
  const outcome: ImportOutcome = { moved: [], left, backups: [], rewritten: [], secrets_json: null };
  if (planned.length === 0) return outcome;

  const files = [...new Set(planned.map((p) => p.file))];
  const result = await call({
    project_dir: scan.root,
    secrets: planned.map((p) => ({ name: project.mapped.get(p.entry.key) ?? secretNameFor(p.entry.key), env_var: p.entry.key, file: p.file.path })),
    backups: files.map((f) => ({ file: f.path })),
    value: { secrets: planned.map((p) => p.entry.value), backups: files.map((f) => f.bytes.toString('utf8')) },
  });
  outcome.backups = result.backups;

  const mappedNow = new Set<string>();
  planned.forEach((p, i) => {
    const placed = result.secrets[i]!;
    const first = !mappedNow.has(p.entry.key);
    if (first) {
      mappedNow.add(p.entry.key);
      mapEnvVar(project, p.entry.key, placed.name);
    }
    outcome.moved.push({ file: p.file.path, line: p.entry.line, key: p.entry.key, secret_name: placed.name, outcome: placed.outcome, mapped: first });
  });

  const refusedProject = replaceInside(scan.root, '.secrets.json', project.bytes, projectFileText(project));
  if (refusedProject === null) outcome.secrets_json = project.path;
  else left.push({ file: '.secrets.json', line: 0, key: null, kind: 'project_file', reason: `not written: ${refusedProject}` });

  for (const file of files) {
    const moved = planned.flatMap((p, i) => (p.file === file ? [{ entry: p.entry, name: result.secrets[i]!.name }] : []));
    const refused = replaceInside(scan.root, file.path, file.bytes, rewriteEnvText(file.bytes.toString('utf8'), moved));
    if (refused === null) {
      outcome.rewritten.push(file.path);
      continue;
    }
    // The values are in the store and backed up, but still in this file too: say so.
    for (const m of moved) left.push({ file: file.path, line: m.entry.line, key: m.entry.key, kind: 'moved_but_not_removed', reason: `stored as ${m.name}, but the file was not rewritten: ${refused}` });
  }
  return outcome;
}
