/**
 * A plan is plain data: the ordered steps that bring the system to the wanted state, each either
 * already true (nothing to do, said so) or one action. Planning reads only facts, so every refusal
 * and every "already there" is unit-tested without root; execute.ts carries the actions out.
 */
import { DaemonError } from '../../../../shared/errors.js';
import { AGENT_GROUP } from '../../../../shared/locations.js';
import type { Account } from '../../../daemon/callers/os-accounts.js';
import { type PathFacts, type SystemFacts, groupNamed, isNoLoginShell } from './facts.js';

export type Action =
  /** A system tool, as an argv: never through a shell. */
  | { kind: 'run'; argv: string[] }
  /** Make the directory if missing; set its owner, group and mode either way. */
  | { kind: 'dir'; path: string; owner: string; group: string; mode: number }
  /** Replace the file atomically (temp file and rename). */
  | { kind: 'write'; path: string; content: string; mode: number }
  /** Delete a file or a directory with what is in it. */
  | { kind: 'remove'; path: string };

export interface Step {
  /** What the step does ("create the group agent-secrets"), or what already holds when `action` is null. */
  description: string;
  action: Action | null;
}

export interface Plan {
  steps: Step[];
  /** What was left as it is on purpose, and why. */
  notes: string[];
}

export const already = (description: string): Step => ({ description, action: null });
export const runStep = (description: string, argv: string[]): Step => ({ description, action: { kind: 'run', argv } });

export const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** An account agent-user would have made: in the agent group and unable to log in. */
export function isAgentAccount(facts: Pick<SystemFacts, 'groups'>, account: Account): boolean {
  return isNoLoginShell(account.shell) && (groupNamed(facts, AGENT_GROUP)?.members.includes(account.name) ?? false);
}

export interface WantedDir {
  owner: string;
  group: string;
  uid: number;
  /** undefined: the group is made by an earlier step, so the directory cannot have it yet. */
  gid: number | undefined;
  mode: number;
}

/**
 * The step that makes `path` a directory owned as wanted.
 * @throws DaemonError UNSAFE_PERMISSIONS when something else (a symlink, a file) sits at the path:
 * replacing it is for a person who knows what it is.
 */
export function dirStep(found: PathFacts | null, path: string, want: WantedDir): Step {
  const wanted = `${want.owner}:${want.group} ${octal(want.mode)}`;
  const action: Action = { kind: 'dir', path, owner: want.owner, group: want.group, mode: want.mode };
  if (found === null) return { description: `create ${path} (${wanted})`, action };
  if (found.kind !== 'dir') {
    const what = found.kind === 'symlink' ? 'symlink' : 'file';
    throw new DaemonError('UNSAFE_PERMISSIONS', `${path} is a ${what}, not a directory`, `look at it, remove it (sudo rm ${path}) and run this again`);
  }
  if (found.uid === want.uid && found.gid === want.gid && found.mode === want.mode) return already(`${path} exists (${wanted})`);
  return { description: `fix ${path}: it was uid ${found.uid} gid ${found.gid} ${octal(found.mode)}, now ${wanted}`, action };
}
