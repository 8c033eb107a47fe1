/**
 * `secrets scan` itself, built as its own bundle (dist/scan.cjs) that the CLI loads only for this
 * command: the walk, `ignore` and the detectors never weigh on a cold `secrets lease`.
 */
import type { CommandContext } from '../context.js';
import { printSuccess } from '../output.js';
import { type ImportOutcome, importFindings } from './import.js';
import { buildReport, humanReport, skippedNote } from './report.js';
import { scanProject } from './scan.js';

function humanImport(outcome: ImportOutcome, root: string, skipped: string[]): string {
  const lines: string[] = [];
  if (outcome.moved.length === 0 && outcome.left.length === 0) return [`no credentials found under ${root}: nothing to move`, ...skipped].join('\n');
  for (const m of outcome.moved) lines.push(`moved   ${m.file}:${m.line} ${m.key} → secret ${m.secret_name}${m.outcome === 'existing' ? ' (already in the store)' : ''}`);
  for (const b of outcome.backups) lines.push(`backup  ${b.file} → ${b.path} (age-encrypted to the store)`);
  if (outcome.secrets_json) lines.push(`wrote   ${outcome.secrets_json}`);
  for (const l of outcome.left) lines.push(`left    ${l.file}:${l.line} ${l.key ?? '-'} (${l.kind}): ${l.reason}`);
  lines.push(...skipped);
  if (outcome.moved.length > 0) lines.push('', 'next: run your command with the secrets in its environment:  secrets exec -- CMD');
  return lines.join('\n');
}

/** Returns the exit code: 1 while credentials stay in plain text (found, or left after --import), else 0. */
export async function runScan(ctx: CommandContext): Promise<number> {
  const dir = ctx.positionals[0] ?? '.';
  const scan = scanProject(dir, { enterIgnored: ctx.values['no-ignore'] === true });
  if (ctx.values.import !== true) {
    const report = buildReport(scan);
    printSuccess(ctx.mode, 'scan', { dir, ...report }, () => humanReport(report, dir));
    return report.findings.length > 0 ? 1 : 0;
  }
  const outcome = await importFindings(scan, (params) => ctx.adminCall('scan.import', params));
  printSuccess(ctx.mode, 'scan --import', { dir, root: scan.root, ...outcome }, () => humanImport(outcome, scan.root, skippedNote(scan.ignoredDirs, dir)));
  return outcome.left.length > 0 ? 1 : 0;
}
