/**
 * When the tray app runs, an admin command typed in a terminal without a passphrase is confirmed by
 * the person in the app's window instead (DESIGN.md §4): the daemon holds the request, the window
 * shows exactly what will run and who asked (verified), and the person allows or refuses it. The
 * terminal never needs the passphrase. Deny is what happens by default: on refusal, timeout, the
 * caller going away, or too many waiting.
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json.js';
import { DaemonError } from '../../../shared/errors.js';
import { formatDuration } from '../../../shared/durations.js';
import { ADMIN_CONFIRMATION_PENDING_NOTIFICATION, type AdminConfirmationT } from '../../../shared/protocol.js';
import type { Journal } from '../audit/journal.js';
import type { Caller } from '../callers/caller.js';
import { verifiedCaller } from '../callers/peer-identity.js';
import type { Clock } from '../clock.js';
import { createLogger } from '../logger.js';

const log = createLogger('admin');

/** Fields whose content the window never shows: a secret value travels in them. */
const HIDDEN_FIELDS = new Set(['value']);

/** At most this many wait at once, and this many per verified launcher: nobody buries the person in them. */
const MAX_WAITING = 8;
const MAX_WAITING_PER_LAUNCHER = 2;

interface Waiting {
  confirmation: AdminConfirmationT;
  launcher: string;
  settle: (allowed: boolean, why: string) => void;
  timer: unknown;
}

/** The method and its params as the window shows them: exact, except secret values. */
export function describeCommand(method: string, params: unknown): string {
  const shown = Object.fromEntries(Object.entries((params ?? {}) as Record<string, unknown>).map(([key, value]) => [key, HIDDEN_FIELDS.has(key) ? '<hidden>' : value]));
  return `${method} ${canonicalJson(shown)}`;
}

export class AdminConfirmations {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    /** False when no window is there to ask (headless): callers then prove with the passphrase. */
    readonly enabled: boolean,
    private readonly journal: Journal,
    private readonly clock: Clock,
    /** Changed live by config.set (approval_timeout): read when a confirmation starts waiting. */
    public timeoutMs: number,
  ) {}

  list(): AdminConfirmationT[] {
    return [...this.waiting.values()].map((w) => w.confirmation);
  }

  /**
   * Waits for the person to allow this exact request.
   * @throws DaemonError DENIED when refused, timed out, too many wait, or the caller went away.
   */
  confirm(caller: Caller, method: string, params: unknown): Promise<void> {
    const identity = caller.identity?.() ?? null;
    const launcher = identity?.launcher_key ?? 'unknown';
    const ofLauncher = [...this.waiting.values()].filter((w) => w.launcher === launcher).length;
    if (this.waiting.size >= MAX_WAITING || ofLauncher >= MAX_WAITING_PER_LAUNCHER) {
      return Promise.reject(new DaemonError('DENIED', `${this.waiting.size} admin commands already wait for the person in the Agent Secrets window`, 'confirm or refuse those in the window first'));
    }
    const now = this.clock.now();
    const confirmation: AdminConfirmationT = {
      confirmation_id: `C-${randomBytes(6).toString('hex')}`,
      method,
      command: describeCommand(method, params),
      caller: identity && verifiedCaller(identity),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.timeoutMs).toISOString(),
    };
    return new Promise<void>((resolve, reject) => {
      const settle = (allowed: boolean, why: string) => {
        if (this.waiting.get(confirmation.confirmation_id) !== entry) return;
        this.waiting.delete(confirmation.confirmation_id);
        this.clock.clearTimer(entry.timer);
        try {
          this.journal.run((tx) => {
            tx.audit({ action: 'admin.confirmation_decided', outcome: allowed ? 'ok' : 'denied', pid: identity?.pid ?? null, detail: { confirmation_id: confirmation.confirmation_id, method, decision: why } });
            tx.emit('confirmation.decided', { confirmation, allowed, decision: why });
          });
        } catch (error) {
          // Settled from a timer or a socket closing too: a disk that refuses the entry must not end the
          // daemon — and an admin command whose confirmation is not on record does not run.
          log.error('could not audit the decision on an admin confirmation', { confirmation_id: confirmation.confirmation_id, error: error instanceof Error ? error.message : String(error) });
          return reject(error);
        }
        if (allowed) resolve();
        else reject(new DaemonError('DENIED', `the person did not confirm ${method} in the Agent Secrets window (${why})`, 'ask the person, or run it with the passphrase: --passphrase-file FILE'));
      };
      const entry: Waiting = { confirmation, launcher, settle, timer: null };
      entry.timer = this.clock.setTimer(() => settle(false, `no answer within ${formatDuration(this.timeoutMs)}`), this.timeoutMs);
      this.waiting.set(confirmation.confirmation_id, entry);
      caller.signal?.addEventListener('abort', () => settle(false, 'the terminal went away'), { once: true });
      this.journal.run((tx) => {
        tx.audit({ action: 'admin.confirmation_requested', pid: identity?.pid ?? null, detail: { confirmation_id: confirmation.confirmation_id, method, command: confirmation.command, launcher } });
        tx.emit('confirmation.requested', { confirmation });
      });
      caller.notify?.(ADMIN_CONFIRMATION_PENDING_NOTIFICATION, { confirmation });
    });
  }

  /** @throws DaemonError REQUEST_NOT_FOUND when it is not waiting (decided, timed out, withdrawn). */
  decide(confirmationId: string, allow: boolean): AdminConfirmationT {
    const entry = this.waiting.get(confirmationId);
    if (!entry) throw new DaemonError('REQUEST_NOT_FOUND', `no admin command ${confirmationId} is waiting`, 'it was decided, timed out, or its terminal went away');
    entry.settle(allow, allow ? 'allowed' : 'refused');
    return entry.confirmation;
  }

  /** The daemon is stopping: nothing waits any more. */
  close(): void {
    for (const entry of [...this.waiting.values()]) entry.settle(false, 'the daemon stopped');
  }
}
