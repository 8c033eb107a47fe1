/**
 * After a person denies a client, the same client id from the same launcher is refused without asking
 * the person again until its cooldown ends: a denied agent cannot turn the denial into a stream of
 * prompts. Kept in state.db, so a restart does not end a cooldown early.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';

export class DenyCooldowns {
  constructor(
    private readonly db: Db,
    private readonly clock: Pick<Clock, 'now'>,
    /** Read per denial: the window's settings change it without a restart. */
    private readonly cooldownMs: () => number,
  ) {}

  /** Starts (or restarts) the cooldown of this client and launcher. */
  start(clientId: string, launcher: string): void {
    const until = this.clock.now() + this.cooldownMs();
    this.db.prepare('INSERT INTO denials (client_id, launcher, until) VALUES (?, ?, ?) ON CONFLICT (client_id, launcher) DO UPDATE SET until = excluded.until').run(clientId, launcher, until);
  }

  /** @throws DaemonError DENIED while this client and launcher are cooling down. */
  refuseDuring(clientId: string, launcher: string): void {
    const until = this.db.prepare('SELECT until FROM denials WHERE client_id = ? AND launcher = ?').pluck().get(clientId, launcher) as number | undefined;
    if (until !== undefined && until > this.clock.now()) {
      const left = Math.ceil((until - this.clock.now()) / 1000);
      throw new DaemonError('DENIED', `a person denied client "${clientId}" from this launcher; requests are refused for another ${left}s`, 'ask the person to approve it explicitly, or try again later');
    }
  }

  /** The wall clock was set by `deltaMs` (clock-jumps.ts): each cooldown keeps the time it had left. Returns how many. */
  redate(deltaMs: number): number {
    return this.db.prepare('UPDATE denials SET until = until + ?').run(deltaMs).changes;
  }
}
