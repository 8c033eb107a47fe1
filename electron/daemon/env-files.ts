/**
 * Env files the daemon wrote (`secrets env`). Only files it wrote itself are registered, so deleting
 * them on expiry, killswitch or cleanup can never be turned against anyone else's files.
 */
import { unlinkSync } from 'node:fs';
import type { Clock } from './clock.js';
import type { Db } from './db.js';

export class EnvFiles {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Called by the daemon's own env writer after it wrote `path`. */
  register(path: string, leaseIds: string[]): void {
    this.db.prepare('INSERT OR REPLACE INTO env_files (path, lease_ids, registered_at) VALUES (?, ?, ?)').run(path, JSON.stringify(leaseIds), this.clock.now());
  }

  list(): string[] {
    return this.db.prepare('SELECT path FROM env_files ORDER BY path').pluck().all() as string[];
  }

  /** Deletes every registered file (already gone counts as deleted); returns how many were removed. */
  deleteAll(): number {
    let deleted = 0;
    for (const path of this.list()) {
      try {
        unlinkSync(path);
        deleted++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      this.db.prepare('DELETE FROM env_files WHERE path = ?').run(path);
    }
    return deleted;
  }
}
