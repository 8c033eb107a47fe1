/** Secrets: names, metadata and age ciphertexts. Plaintext only ever passes through ValueCipher. */
import { DaemonError } from '../../../shared/errors.js';
import type { SecretMetaT } from '../../../shared/protocol.js';
import { SECRET_NAME_PATTERN, preview } from '../../../shared/names.js';
import type { Db } from '../store/db.js';
import type { Actor, Journal, Tx } from '../audit/journal.js';
import type { ValueCipher } from './value-cipher.js';

interface SecretRow {
  name: string;
  ciphertext: Buffer;
  description: string | null;
  rotate_via: string | null;
  created_at: number;
  updated_at: number;
  rotated_at: number | null;
}

/** Reads of a value that changes during each before giving up (each is one decrypt, ~1 ms). */
const MAX_READS = 5;

export interface ValueChange {
  action?: 'secret.updated' | 'secret.rotated';
  detail?: Record<string, unknown>;
  within?: (tx: Tx) => void;
  /** Who asked, for the audit log (the write happens after an await, outside `Journal.as`). */
  by?: Actor | null;
}

export class SecretsStore {
  private readonly selectOne;
  private readonly selectExists;
  private readonly countActiveLeases;

  constructor(
    private readonly db: Db,
    private readonly journal: Journal,
    private readonly cipher: ValueCipher,
    private readonly now: () => number,
  ) {
    this.selectOne = db.prepare('SELECT * FROM secrets WHERE name = ?');
    this.selectExists = db.prepare('SELECT 1 FROM secrets WHERE name = ?');
    this.countActiveLeases = db.prepare("SELECT COUNT(*) AS n FROM leases WHERE secret_name = ? AND status = 'active'").pluck();
  }

  /** @throws DaemonError SECRET_NOT_FOUND */
  require(name: string): SecretRow {
    const row = this.selectOne.get(name) as SecretRow | undefined;
    if (!row) throw secretNotFound(name);
    return row;
  }

  /**
   * A cached value answers without SQLite (removal and the store's lock evict it, as for value()):
   * every lease asks this before it is granted, and a read outside a transaction costs the daemon
   * about a tenth of its CPU under load (it opens a read snapshot of the WAL each time).
   */
  exists(name: string): boolean {
    return this.cipher.cached(name) !== undefined || this.selectExists.get(name) !== undefined;
  }

  /**
   * The value as it is now. A cached value needs no row read: removal evicts it. A decrypt during
   * which the secret changed (set, rotated, removed, the store cleared) is read again, so a value
   * removed meanwhile is not handed out and a replaced one is not returned for the new one.
   * @throws DaemonError SECRET_NOT_FOUND (also when removed while it was read); TIMEOUT when it kept
   * changing on every read.
   */
  async value(name: string): Promise<string> {
    for (let attempt = 1; attempt <= MAX_READS; attempt++) {
      const cached = this.cipher.cached(name);
      if (cached !== undefined) return cached;
      const read = await this.cipher.decrypt(name, this.require(name).ciphertext);
      if (read.current) return read.value;
    }
    throw new DaemonError('TIMEOUT', `secret ${preview(name)} kept changing while it was read`, 'try again once it is no longer being changed or rotated');
  }

  list(): SecretMetaT[] {
    const rows = this.db.prepare('SELECT * FROM secrets ORDER BY name').all() as SecretRow[];
    return rows.map((row) => this.meta(row));
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM secrets').pluck().get() as number;
  }

  /** @throws DaemonError SECRET_EXISTS */
  async add(input: { name: string; value: string; description?: string; rotate_via?: string }, by?: Actor | null): Promise<SecretMetaT> {
    const ciphertext = await this.cipher.encrypt(input.value);
    const at = this.now();
    const row = this.journal.run((tx) => {
      if (this.exists(input.name)) {
        throw new DaemonError('SECRET_EXISTS', `secret ${preview(input.name)} already exists`, `the store owner replaces its value with: secrets set ${input.name}`);
      }
      this.db
        .prepare('INSERT INTO secrets (name, ciphertext, description, rotate_via, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(input.name, ciphertext, input.description ?? null, input.rotate_via ?? null, at, at);
      tx.audit({ action: 'secret.added', secret_name: input.name, detail: input.rotate_via ? { rotation: true } : null });
      tx.emit('secret.changed', { name: input.name, change: 'added' });
      return this.require(input.name);
    }, by ?? undefined);
    this.cipher.remember(input.name, input.value);
    return this.meta(row);
  }

  /**
   * Replaces a value. `change` describes it for the audit log and may do more in the same
   * transaction (rotation revokes the old value's leases there).
   * @throws DaemonError SECRET_NOT_FOUND
   */
  async set(name: string, value: string, change: ValueChange = {}): Promise<SecretMetaT> {
    this.require(name);
    const ciphertext = await this.cipher.encrypt(value);
    const row = this.journal.run((tx) => {
      const at = this.now();
      const rotatedAt = change.action === 'secret.rotated' ? at : null;
      const changed = this.db
        .prepare('UPDATE secrets SET ciphertext = ?, updated_at = ?, rotated_at = coalesce(?, rotated_at) WHERE name = ?')
        .run(ciphertext, at, rotatedAt, name).changes;
      if (changed === 0) throw secretNotFound(name);
      change.within?.(tx);
      tx.audit({ action: change.action ?? 'secret.updated', secret_name: name, detail: change.detail ?? null });
      tx.emit('secret.changed', { name, change: change.action === 'secret.rotated' ? 'rotated' : 'updated' });
      return this.require(name);
    }, change.by ?? undefined);
    this.cipher.remember(name, value);
    return this.meta(row);
  }

  /** Deletes the secret; the caller revokes its leases in the same transaction. */
  removeInTx(tx: Tx, name: string): void {
    const changed = this.db.prepare('DELETE FROM secrets WHERE name = ?').run(name).changes;
    if (changed === 0) throw secretNotFound(name);
    tx.audit({ action: 'secret.removed', secret_name: name });
    tx.emit('secret.changed', { name, change: 'removed' });
    this.cipher.forget(name);
  }

  private meta(row: SecretRow): SecretMetaT {
    return {
      name: row.name,
      description: row.description,
      rotate_via: row.rotate_via,
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
      last_rotated_at: row.rotated_at === null ? null : new Date(row.rotated_at).toISOString(),
      active_leases: this.countActiveLeases.get(row.name) as number,
    };
  }
}

/** The hint names the command that adds it, when the name is one `secrets add` would take. */
export function secretNotFound(name: string): DaemonError {
  const add = SECRET_NAME_PATTERN.test(name) ? `; the store owner adds it with: secrets add ${name}` : '';
  return new DaemonError('SECRET_NOT_FOUND', `secret ${preview(name)} not found`, `list the secrets that exist with: secrets list${add}`);
}
