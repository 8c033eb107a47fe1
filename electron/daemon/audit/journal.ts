/**
 * One place where state changes: a SQLite transaction that writes rows and their audit entries
 * together (an audit write that fails rolls the change back: no lease without its audit entry), and
 * emits the events only after the commit.
 */
import type { DaemonEvent, EventType } from '../../../shared/protocol.js';
import { type AuditInput, type AuditLog, toAuditEntry } from './audit.js';
import type { Db } from '../store/db.js';
import { type EventBus, makeEvent } from '../events.js';
import { createLogger } from '../logger.js';

const log = createLogger('journal');

/** The verified caller behind a change, as the audit log names it. */
export interface Actor {
  pid: number | null;
  launcher: string;
  transport: 'socket' | 'agent-socket' | 'ipc';
  /** The change was made with admin proof. */
  admin: boolean;
}

export interface Tx {
  audit(input: AuditInput): void;
  emit(type: EventType, data: Record<string, unknown>): void;
  /** Runs `effect` once the transaction has committed (side effects such as signalling processes). */
  onCommit(effect: () => void): void;
}

export class Journal {
  constructor(
    private readonly db: Db,
    private readonly auditLog: AuditLog,
    private readonly events: EventBus,
    private readonly now: () => number,
    private readonly afterCommit: () => void = () => {},
  ) {}

  /** Whose request is being handled, while its handler runs synchronously (see `as`). */
  private actor: Actor | null = null;

  /**
   * Runs `work` with every audit entry it writes synchronously naming `actor` (`detail.by`). Work that
   * continues after an await is not covered: it passes its actor to `run` itself.
   */
  as<T>(actor: Actor, work: () => T): T {
    const previous = this.actor;
    this.actor = actor;
    try {
      return work();
    } finally {
      this.actor = previous;
    }
  }

  run<T>(change: (tx: Tx) => T, by: Actor | null = this.actor): T {
    const pending: DaemonEvent[] = [];
    const effects: (() => void)[] = [];
    // Events are only built when someone listens: most leases happen with no window open.
    const listening = this.events.subscriberCount > 0;
    const tx: Tx = {
      audit: (input) => {
        const row = this.auditLog.append(by === null || input.detail?.by !== undefined ? input : { ...input, detail: { ...input.detail, by } });
        if (listening) pending.push(makeEvent('audit.appended', { entry: toAuditEntry(row) }, this.now()));
      },
      emit: (type, data) => {
        if (listening) pending.push(makeEvent(type, data, this.now()));
      },
      onCommit: (effect) => effects.push(effect),
    };
    const head = this.auditLog.saveHead();
    let result: T;
    try {
      result = this.db.transaction(() => {
        const value = change(tx);
        this.auditLog.commitHead();
        return value;
      })();
    } catch (error) {
      this.auditLog.restoreHead(head);
      throw error;
    }
    this.afterCommit();
    for (const event of pending) this.events.emit(event);
    // The change is committed: a failing side effect is logged, it does not turn it into an error.
    for (const effect of effects) {
      try {
        effect();
      } catch (error) {
        log.error('an after-commit effect failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
    return result;
  }
}
