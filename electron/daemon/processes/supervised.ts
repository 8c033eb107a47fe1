/**
 * Process groups that hold secrets (the `exec` supervisor registers its child's group). The daemon
 * terminates them itself — SIGTERM, then SIGKILL after a grace — when the killswitch engages, so
 * cutting access does not depend on the supervisor cooperating.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';
import { createLogger } from '../logger.js';
import { leaderStat, stillOurGroup } from './group-leader.js';

const log = createLogger('supervised');

export interface SupervisedGroup {
  pgid: number;
  pid: number;
  lease_ids: string[];
}

/** A registration: the group, and its leader's start time when it registered (null: an older store). */
export interface RegisteredGroup extends SupervisedGroup {
  start_time: string | null;
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

export class SupervisedProcesses {
  private readonly holding;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    /** Changed live by config.set (killswitch_grace): read when a group is terminated. */
    public graceMs: number,
    private readonly send: SignalSender = signalGroup,
    /** Where process status is read (tests point it at a made-up /proc). */
    private readonly proc = '/proc',
  ) {
    this.holding = db.prepare('SELECT supervised.pgid FROM supervised, json_each(supervised.lease_ids) WHERE json_each.value = ?').pluck();
  }

  /**
   * Registers the process group led by `pid`. Only a group leader (pid == pgid) that is the caller
   * itself or the caller's child may be registered: nobody gets the daemon to signal a group that
   * someone else leads. The leader's start time is recorded so a later signal never reaches a group
   * that took the same number.
   * @throws DaemonError INVALID_PARAMS when pid is not pgid, is gone, or does not lead its group;
   * DENIED when the caller is neither the process nor its parent.
   */
  register(group: SupervisedGroup, callerPid: number | null): void {
    const hint = 'start the command in its own process group (detached) and register it with pid = pgid';
    if (group.pid !== group.pgid) throw new DaemonError('INVALID_PARAMS', `only a process group leader can be registered: pid ${group.pid} is not pgid ${group.pgid}`, hint);
    const leader = leaderStat(group.pid, this.proc);
    if (leader === null) throw new DaemonError('INVALID_PARAMS', `process ${group.pid} does not exist`);
    if (callerPid === null || (group.pid !== callerPid && leader.ppid !== callerPid)) {
      throw new DaemonError('DENIED', `only process ${group.pid} or its parent may register it`, 'register the child you started yourself');
    }
    if (leader.pgrp !== group.pid) throw new DaemonError('INVALID_PARAMS', `process ${group.pid} does not lead its process group (it is in group ${leader.pgrp})`, hint);
    this.prune();
    this.db
      .prepare(
        'INSERT INTO supervised (pgid, pid, lease_ids, registered_at, start_time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (pgid) DO UPDATE SET pid = excluded.pid, lease_ids = excluded.lease_ids, registered_at = excluded.registered_at, start_time = excluded.start_time',
      )
      .run(group.pgid, group.pid, JSON.stringify(group.lease_ids), this.clock.now(), leader.start_time);
  }

  unregister(pgid: number): void {
    this.db.prepare('DELETE FROM supervised WHERE pgid = ?').run(pgid);
  }

  list(): RegisteredGroup[] {
    const rows = this.db.prepare('SELECT pgid, pid, lease_ids, start_time FROM supervised').all() as { pgid: number; pid: number; lease_ids: string; start_time: string | null }[];
    return rows.map((r) => ({ pgid: r.pgid, pid: r.pid, lease_ids: JSON.parse(r.lease_ids) as string[], start_time: r.start_time }));
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

  /** Whether a signal to this registration still reaches the group that registered (checked before every signal). */
  private ours(group: RegisteredGroup): boolean {
    if (group.start_time === null) {
      log.warn('not signalling a process group registered without its leader start time (an older store)', { pgid: group.pgid });
      return false;
    }
    if (stillOurGroup(group.pgid, group.start_time, this.proc)) return true;
    log.warn('not signalling a process group: its leader changed since it registered', { pgid: group.pgid });
    return false;
  }

  /** Drops registrations whose group is gone or no longer ours (exec ended without its leases ending). */
  private prune(): void {
    for (const g of this.list()) {
      if (g.start_time === null || !stillOurGroup(g.pgid, g.start_time, this.proc) || !this.send(g.pgid, 0)) this.unregister(g.pgid);
    }
  }

  /** Does not wait for the grace. */
  private terminate(groups: RegisteredGroup[]): number {
    const signalled = groups.filter((g) => this.ours(g) && this.send(g.pgid, 'SIGTERM'));
    if (signalled.length > 0) {
      this.clock.setTimer(() => {
        for (const g of signalled) {
          if (this.ours(g) && this.send(g.pgid, 0) && this.send(g.pgid, 'SIGKILL')) log.warn('killed a process group that outlived its grace', { pgid: g.pgid });
        }
      }, this.graceMs);
    }
    return signalled.length;
  }
}
