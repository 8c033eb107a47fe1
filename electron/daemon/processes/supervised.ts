/**
 * Process groups that hold secrets (the `exec` supervisor registers its child's group). The daemon
 * terminates them itself — SIGTERM, then SIGKILL after a grace — when the killswitch engages, so
 * cutting access does not depend on the supervisor cooperating.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import { createLogger } from '../logger.js';
import { processInfo } from '../callers/process-tree.js';

const log = createLogger('supervised');

export interface SupervisedGroup {
  pgid: number;
  pid: number;
  lease_ids: string[];
}

type Signal = 'SIGTERM' | 'SIGKILL';
export type SignalSender = (pgid: number, signal: Signal | 0) => boolean;

/** Signals a whole process group; false when it no longer exists. */
export const signalGroup: SignalSender = (pgid, signal) => {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
};

/** The process group of a pid, from /proc/<pid>/stat (field 5). */
function processGroupOf(pid: number): number | null {
  const info = processInfo(pid);
  return info === null ? null : info.pgrp;
}

export class SupervisedProcesses {
  private readonly holding;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly graceMs: number,
    private readonly send: SignalSender = signalGroup,
  ) {
    this.holding = db.prepare('SELECT supervised.pgid FROM supervised, json_each(supervised.lease_ids) WHERE json_each.value = ?').pluck();
  }

  /**
   * Registers the process group led by `pid`. Only the process itself or its parent may register it:
   * nobody gets the daemon to kill someone else's processes.
   * @throws DaemonError DENIED when the caller is neither; INVALID_PARAMS when pid does not lead pgid.
   */
  register(group: SupervisedGroup, callerPid: number | null): void {
    const info = processInfo(group.pid);
    if (info === null) throw new DaemonError('INVALID_PARAMS', `process ${group.pid} does not exist`);
    if (callerPid === null || (info.pid !== callerPid && info.ppid !== callerPid)) {
      throw new DaemonError('DENIED', `only process ${group.pid} or its parent may register it`, 'register the child you started yourself');
    }
    if (processGroupOf(group.pid) !== group.pgid) {
      throw new DaemonError('INVALID_PARAMS', `process ${group.pid} is not in process group ${group.pgid}`, 'start the child in its own process group (detached) and register that group');
    }
    this.db
      .prepare('INSERT INTO supervised (pgid, pid, lease_ids, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT (pgid) DO UPDATE SET pid = excluded.pid, lease_ids = excluded.lease_ids')
      .run(group.pgid, group.pid, JSON.stringify(group.lease_ids), this.clock.now());
  }

  unregister(pgid: number): void {
    this.db.prepare('DELETE FROM supervised WHERE pgid = ?').run(pgid);
  }

  list(): SupervisedGroup[] {
    const rows = this.db.prepare('SELECT pgid, pid, lease_ids FROM supervised').all() as { pgid: number; pid: number; lease_ids: string }[];
    return rows.map((r) => ({ pgid: r.pgid, pid: r.pid, lease_ids: JSON.parse(r.lease_ids) as string[] }));
  }

  /** SIGTERM to every registered group now, SIGKILL after the grace; returns how many were signalled. */
  terminateAll(): number {
    const groups = this.list();
    this.db.prepare('DELETE FROM supervised').run();
    return this.terminate(groups);
  }

  /** A lease ended: the process groups that hold it lose access now, like with the killswitch. */
  terminateHolding(leaseId: string): number {
    const pgids = this.holding.all(leaseId) as number[];
    if (pgids.length === 0) return 0;
    const groups = this.list().filter((g) => pgids.includes(g.pgid));
    for (const g of groups) this.unregister(g.pgid);
    log.info('terminating process groups whose lease ended', { lease_id: leaseId, groups: groups.length });
    return this.terminate(groups);
  }

  /** Does not wait for the grace. */
  private terminate(groups: SupervisedGroup[]): number {
    const signalled = groups.filter((g) => this.send(g.pgid, 'SIGTERM'));
    if (signalled.length > 0) {
      this.clock.setTimer(() => {
        for (const g of signalled) {
          if (this.send(g.pgid, 0) && this.send(g.pgid, 'SIGKILL')) log.warn('killed a process group that outlived its grace', { pgid: g.pgid });
        }
      }, this.graceMs);
    }
    return signalled.length;
  }
}
