/**
 * Carries out a plan's steps in order and stops at the first that fails, naming it and what the tool
 * said: the steps are idempotent, so after fixing the cause the same command picks up where it stopped.
 */
import { closeSync, constants, fchmodSync, fchownSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DaemonError, missingCase } from '../../../../shared/errors.js';
import { lookupAccount, lookupGroup } from './facts.js';
import type { Action, Plan } from './plan.js';
import type { RunTool } from './tools.js';
import { writeFileAtomic } from '../../../daemon/store/atomic-file.js';

export interface StepOutcome {
  description: string;
  /** false: it already held, nothing was changed. */
  changed: boolean;
}

function runTool(run: RunTool, argv: string[]): void {
  const result = run(argv);
  if (result.status === 0) return;
  const said = result.stderr.trim().split('\n').slice(-3).join(' / ');
  throw new Error(`${argv[0]} ${result.status === null ? 'could not start' : `exited ${result.status}`}${said ? `: ${said}` : ''}`);
}

/** Ids looked up now, not at planning: the group may have been made by an earlier step. */
function idsOf(run: RunTool, owner: string, group: string): { uid: number; gid: number } {
  const uid = lookupAccount(run, owner)?.uid;
  const gid = lookupGroup(run, group)?.gid;
  if (uid === undefined || gid === undefined) throw new Error(`no ${uid === undefined ? `user ${owner}` : `group ${group}`}`);
  return { uid, gid };
}

/** Opened without following a symlink, then changed through the descriptor: no path swap in between. */
function ensureDir(path: string, uid: number, gid: number, mode: number): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    fchownSync(fd, uid, gid);
    // After chown, which may clear the setgid bit; mkdir's mode was narrowed by the umask anyway.
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

function perform(run: RunTool, action: Action): void {
  switch (action.kind) {
    case 'run':
      return runTool(run, action.argv);
    case 'dir': {
      const { uid, gid } = idsOf(run, action.owner, action.group);
      return ensureDir(action.path, uid, gid, action.mode);
    }
    case 'write':
      mkdirSync(dirname(action.path), { recursive: true, mode: 0o755 });
      return writeFileAtomic(action.path, action.content, action.mode);
    case 'remove':
      return rmSync(action.path, { recursive: true, force: true });
    default:
      throw missingCase(action);
  }
}

/**
 * @throws DaemonError INTERNAL naming the step that failed and why; the steps before it are done.
 */
export function executePlan(plan: Plan, run: RunTool): StepOutcome[] {
  const outcomes: StepOutcome[] = [];
  for (const step of plan.steps) {
    if (step.action !== null) {
      try {
        perform(run, step.action);
      } catch (error) {
        const done = outcomes.filter((o) => o.changed).length;
        throw new DaemonError(
          'INTERNAL',
          `could not ${step.description}: ${(error as Error).message}`,
          `${done} step(s) before it were done; fix the cause and run the same command again (it skips what is done)`,
        );
      }
    }
    outcomes.push({ description: step.description, changed: step.action !== null });
  }
  return outcomes;
}
