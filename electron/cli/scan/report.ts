/**
 * What a scan tells the caller: file, line, key and kind of each finding — never the value, nor any
 * part of it. Fields are picked one by one (never spread from a finding, which holds the value), and a
 * key that itself looks like a credential is dropped.
 */
import { table } from '../format.js';
import { findTokens } from './token-formats.js';
import type { ScanResult } from './scan.js';

export interface ReportedFinding {
  file: string;
  line: number;
  key: string | null;
  kind: string;
}

export interface ScanReport {
  root: string;
  files_seen: number;
  files_read: number;
  /** Directories .gitignore ignores, not entered (`--no-ignore` enters them). */
  ignored_dirs_skipped: number;
  findings: ReportedFinding[];
}

/** Keys are names, but a malformed line can put a credential where a key would be. */
function safeKey(key: string | null): string | null {
  if (key === null || key.length > 200) return null;
  return findTokens(key, () => false).length > 0 ? null : key;
}

export function buildReport(scan: ScanResult): ScanReport {
  return {
    root: scan.root,
    files_seen: scan.filesSeen,
    files_read: scan.filesRead,
    ignored_dirs_skipped: scan.ignoredDirs,
    findings: scan.found.map((f) => ({ file: f.file, line: f.line, key: safeKey(f.key), kind: f.kind })),
  };
}

/** `secrets scan DIR` as the caller typed it (no DIR for `.`), to suggest it again with more flags. */
const scanOf = (dir: string) => `secrets scan${dir === '.' ? '' : ` ${dir}`}`;

/** Said whenever ignored directories were skipped: an env file in one was not read. */
export function skippedNote(ignoredDirs: number, dir: string): string[] {
  return ignoredDirs === 0 ? [] : [`skipped ${ignoredDirs} ignored director${ignoredDirs === 1 ? 'y' : 'ies'}; ${scanOf(dir)} --no-ignore to look in them`];
}

export function humanReport(report: ScanReport, dir: string): string {
  const summary = `${report.findings.length} credential(s) in plain text in ${new Set(report.findings.map((f) => f.file)).size} file(s) (${report.files_read} of ${report.files_seen} files read) under ${report.root}`;
  const skipped = skippedNote(report.ignored_dirs_skipped, dir);
  if (report.findings.length === 0) return [`no credentials found (${report.files_read} of ${report.files_seen} files read) under ${report.root}`, ...skipped].join('\n');
  const rows = report.findings.map((f) => [`${f.file}:${f.line}`, f.key ?? '-', f.kind]);
  return [table(['WHERE', 'KEY', 'KIND'], rows), '', summary, ...skipped, `move the env files' ones into the store: ${scanOf(dir)} --import`].join('\n');
}
