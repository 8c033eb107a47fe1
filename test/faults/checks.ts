/**
 * What must hold after each kill. Before the restart, from the files the dead daemon left: state.db
 * opens (read-only) and passes SQLite's quick check, every ciphertext is a whole age file that
 * decrypts with the store's identity to a value the ledger allows, and no file of the data dir holds
 * a value in plaintext. After the restart, through the daemon: the audit chain verifies, every
 * acknowledged lease is active or closed with its audit entry, every active lease has its grant
 * entry, acknowledged revocations stay revoked, acknowledged grants exist, every acknowledged value
 * change has its audit entry, and leasing every secret returns its acknowledged value.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decrypter } from 'age-encryption';
import { RpcClient } from '../../electron/cli/rpc-client.js';
import { filesUnder } from '../helpers/plaintext.js';
import { PASSPHRASE } from '../helpers/store.js';
import { type Ledger, VALUE_MARKER } from './ledger.js';
import { CHECKER_CLIENT } from './storm.js';
import type { CrashTarget } from './targets.js';

const AGE_HEADER = 'age-encryption.org/v1\n';
const VALUE_CHANGES = new Set(['secret.added', 'secret.updated', 'secret.rotated']);

/** The store's X25519 identity, opened the way `age -d identity.age` would. */
export async function storeDecrypter(home: string): Promise<Decrypter> {
  const sealed = new Decrypter();
  sealed.addPassphrase(PASSPHRASE);
  const text = await sealed.decrypt(readFileSync(join(home, 'identity.age')), 'text');
  const decrypter = new Decrypter();
  decrypter.addIdentity(text.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1'))!);
  return decrypter;
}

/**
 * Settles the writes that were in flight from what the store holds.
 * @throws Error naming the first thing wrong with the files the killed daemon left.
 * @returns how many ciphertexts it checked.
 */
export async function checkFilesAfterKill(home: string, ledger: Ledger, decrypter: Decrypter): Promise<number> {
  const db = new Database(join(home, 'state.db'), { readonly: true, fileMustExist: true });
  let rows: { name: string; ciphertext: Buffer }[];
  try {
    const quick = db.pragma('quick_check', { simple: true });
    if (quick !== 'ok') throw new Error(`state.db fails SQLite's quick_check: ${quick}`);
    rows = db.prepare('SELECT name, ciphertext FROM secrets').all() as typeof rows;
  } finally {
    db.close();
  }
  const found = new Map<string, string>();
  for (const { name, ciphertext } of rows) {
    if (!ledger.secrets.has(name)) throw new Error(`state.db holds a secret nobody added: ${name}`);
    if (ciphertext.subarray(0, AGE_HEADER.length).toString('latin1') !== AGE_HEADER) throw new Error(`the ciphertext of ${name} does not start with the age header`);
    try {
      found.set(name, await decrypter.decrypt(new Uint8Array(ciphertext), 'text'));
    } catch (error) {
      throw new Error(`the ciphertext of ${name} (${ciphertext.length} bytes) does not decrypt: ${(error as Error).message}`);
    }
  }
  for (const record of ledger.secrets.values()) {
    const value = found.get(record.name) ?? null;
    if (!ledger.allowed(record).includes(value)) {
      const what = value === null ? 'is missing' : record.sent.has(value) ? 'holds an older value' : 'holds a value never sent';
      throw new Error(`after the kill ${record.name} ${what} (acknowledged: ${record.acked === null ? 'never added' : 'a value'}, in flight: ${record.inFlight?.kind ?? 'nothing'})`);
    }
    ledger.settle(record, value);
  }
  assertNoMarker(home);
  return rows.length;
}

/**
 * Every value holds VALUE_MARKER, so searching for the marker (raw, hex, and base64 at its three
 * alignments) finds any value in plaintext, whichever cycle wrote it, in one pass per file.
 */
function assertNoMarker(home: string): void {
  const marker = Buffer.from(VALUE_MARKER);
  const forms = [marker, Buffer.from(marker.toString('hex'))];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), marker]).toString('base64');
    forms.push(Buffer.from(encoded.slice(Math.ceil((pad * 8) / 6), Math.floor(((pad + marker.length) * 8) / 6))));
  }
  for (const file of filesUnder(home)) {
    const bytes = readFileSync(file);
    for (const form of forms) if (bytes.includes(form)) throw new Error(`${file} holds a secret value in plaintext (${form.toString()})`);
  }
}

/** The audit entries a check has read so far, by what they say about leases. */
export class AuditSeen {
  cursor = 0;
  readonly granted = new Set<string>();
  readonly closed = new Set<string>();

  /** Reads the entries written since the last call; returns the value changes among them, by secret. */
  async readNew(client: RpcClient): Promise<Map<string, number>> {
    const changes = new Map<string, number>();
    for (;;) {
      const { entries } = await client.call('audit.query', { after_id: this.cursor });
      if (entries.length === 0) return changes;
      for (const entry of entries) {
        this.cursor = entry.id;
        if (entry.lease_id !== null && entry.action === 'lease.granted') this.granted.add(entry.lease_id);
        if (entry.lease_id !== null && (entry.action === 'lease.revoked' || entry.action === 'lease.expired')) this.closed.add(entry.lease_id);
        if (entry.secret_name !== null && VALUE_CHANGES.has(entry.action)) changes.set(entry.secret_name, (changes.get(entry.secret_name) ?? 0) + 1);
      }
    }
  }
}

/**
 * @throws Error naming the first promise the restarted daemon does not keep.
 * @returns how many things it checked.
 */
export async function checkAfterRestart(target: CrashTarget, ledger: Ledger, audit: AuditSeen): Promise<number> {
  const verify = await target.cli(['audit', 'verify', '--json']);
  if (verify.code !== 0 || verify.json?.data?.ok !== true) throw new Error(`secrets audit verify fails after the restart: ${verify.stdout} ${verify.stderr}`);
  const client = await RpcClient.connect(target.socket);
  try {
    // Active leases first, the audit log after: a lease that expires in between is then read closed.
    const active = new Set((await target.admin('lease.list', {})).leases.map((l) => l.lease_id));
    const changes = await audit.readNew(client);
    for (const [name, writes] of ledger.cycleWrites) {
      if ((changes.get(name) ?? 0) < writes) throw new Error(`${writes} acknowledged writes of ${name} but only ${changes.get(name) ?? 0} audit entries`);
    }
    for (const id of active) if (!audit.granted.has(id)) throw new Error(`lease ${id} is active without a lease.granted audit entry`);
    for (const lease of ledger.leases.values()) {
      if (!audit.granted.has(lease.lease_id)) throw new Error(`acknowledged lease ${lease.lease_id} has no lease.granted audit entry`);
      if (lease.revoked && active.has(lease.lease_id)) throw new Error(`lease ${lease.lease_id} is active after its revocation was acknowledged`);
      if (!active.has(lease.lease_id) && !audit.closed.has(lease.lease_id)) throw new Error(`acknowledged lease ${lease.lease_id} is neither active nor closed in the audit log`);
    }
    const grants = new Set((await client.call('clients.list', {})).grants.filter((g) => g.active).map((g) => g.grant_id));
    for (const grant of ledger.grants) if (!grants.has(grant)) throw new Error(`acknowledged grant ${grant} is gone`);
    for (const record of ledger.present()) {
      const granted = await client.call('lease.grant', { secret_name: record.name, client_id: CHECKER_CLIENT, ttl: '1s' });
      if (granted.value !== record.acked) throw new Error(`leasing ${record.name} after the restart returns another value than the acknowledged one`);
    }
    return 1 + ledger.cycleWrites.size + active.size + ledger.leases.size + ledger.grants.size + ledger.present().length;
  } finally {
    client.close();
  }
}
