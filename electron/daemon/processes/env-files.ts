/**
 * Env files the daemon wrote (`secrets env`). Only files it wrote itself are registered, so deleting
 * them on expiry, killswitch or cleanup can never be turned against anyone else's files.
 */
import { unlinkSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';

export class EnvFiles {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Called by the daemon's own env writer after it wrote `path`. */
  register(path: string, leaseIds: string[]): void {
    this.db.prepare('INSERT OR REPLACE INTO env_files (path, lease_ids, registered_at) VALUES (?, ?, ?)').run(path, JSON.stringify(leaseIds), this.clock.now());
  }

  /** A lease ended: the files written with it go. Returns how many were removed. */
  deleteHolding(leaseId: string): number {
    const paths = this.db.prepare('SELECT env_files.path FROM env_files, json_each(env_files.lease_ids) WHERE json_each.value = ?').pluck().all(leaseId) as string[];
    return paths.filter((path) => this.remove(path)).length;
  }

  /** Files none of whose leases is still active (left over, e.g. from before a restart). */
  stale(activeLeaseIds: Set<string>): string[] {
    const rows = this.db.prepare('SELECT path, lease_ids FROM env_files ORDER BY path').all() as { path: string; lease_ids: string }[];
    return rows.filter((r) => !(JSON.parse(r.lease_ids) as string[]).some((id) => activeLeaseIds.has(id))).map((r) => r.path);
  }

  /** Deletes one registered file; true when it existed. */
  remove(path: string): boolean {
    let existed = true;
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      existed = false;
    }
    this.db.prepare('DELETE FROM env_files WHERE path = ?').run(path);
    return existed;
  }

  list(): string[] {
    return this.db.prepare('SELECT path FROM env_files ORDER BY path').pluck().all() as string[];
  }

  /** Deletes every registered file (already gone counts as deleted); returns how many were removed. */
  deleteAll(): number {
    return this.list().filter((path) => this.remove(path)).length;
  }
}
