/**
 * One place where state changes: a SQLite transaction that writes rows and their audit entries
 * together (an audit write that fails rolls the change back: no lease without its audit entry), and
 * emits the events only after the commit.
 */
import type { AuditEntryT, DaemonEvent, EventType } from '../../shared/protocol.js';
import type { AuditInput, AuditLog } from './audit.js';
import type { Db } from './db.js';
import { type EventBus, makeEvent } from './events.js';

export interface Tx {
  audit(input: AuditInput): AuditEntryT;
  emit(type: EventType, data: Record<string, unknown>): void;
}

export class Journal {
  constructor(
    private readonly db: Db,
    private readonly auditLog: AuditLog,
    private readonly events: EventBus,
    private readonly now: () => number,
  ) {}

  run<T>(change: (tx: Tx) => T): T {
    const pending: DaemonEvent[] = [];
    const tx: Tx = {
      audit: (input) => {
        const entry = this.auditLog.append(input);
        pending.push(makeEvent('audit.appended', { entry }, this.now()));
        return entry;
      },
      emit: (type, data) => pending.push(makeEvent(type, data, this.now())),
    };
    const head = this.auditLog.saveHead();
    let result: T;
    try {
      result = this.db.transaction(() => change(tx))();
    } catch (error) {
      this.auditLog.restoreHead(head);
      throw error;
    }
    for (const event of pending) this.events.emit(event);
    return result;
  }
}
