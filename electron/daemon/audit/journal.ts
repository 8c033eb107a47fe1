/**
 * One place where state changes: a SQLite transaction that writes rows and their audit entries
 * together (an audit write that fails rolls the change back: no lease without its audit entry), and
 * emits the events only after the commit. A disk that is full, read-only or damaged surfaces here as
 * the DaemonError that says so (store/storage-failure.ts), with nothing changed.
 */
import { dirname } from 'node:path';
import type { DaemonEvent, EventType } from '../../../shared/protocol.js';
import { type AuditInput, type AuditLog, toAuditEntry } from './audit.js';
import type { Db } from '../store/db.js';
import { type StorageProblem, diagnoseStorage, storageError } from '../store/storage-failure.js';
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
  /** The last storage failure, so the log says once that writes fail and once that they work again. */
  private failing: StorageProblem | null = null;

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
      throw this.storageFailed(error) ?? error;
    }
    if (this.failing !== null) {
      log.warn('the store takes writes again', { after: this.failing });
      this.failing = null;
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

  /** The rolled-back change's error as a storage failure (logged once per kind), or null. */
  private storageFailed(error: unknown): Error | null {
    const dataDir = dirname(this.db.name);
    const problem = diagnoseStorage(error, dataDir);
    if (problem === null) return null;
    if (this.failing !== problem) log.error('a change was refused: the store cannot be written', { problem, error: (error as Error).message });
    this.failing = problem;
    return storageError(problem, dataDir, 'nothing was changed', error);
  }
}
