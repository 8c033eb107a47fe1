/** state.db: the SQLite file holding ciphertexts, leases and the audit log (WAL mode). */
import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';

export type Db = Database.Database;

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS secrets (
  name TEXT PRIMARY KEY,
  ciphertext BLOB NOT NULL,
  description TEXT,
  rotate_via TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS leases (
  lease_id TEXT PRIMARY KEY,
  secret_name TEXT NOT NULL,
  client_id TEXT NOT NULL,
  client_pid INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'expired')),
  ended_at INTEGER,
  end_reason TEXT
);
CREATE INDEX IF NOT EXISTS leases_active_expiry ON leases (expires_at) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS leases_active_secret ON leases (secret_name) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS leases_active_client ON leases (client_id) WHERE status = 'active';

-- The killswitch: one row, so a restart (or a crash) never quietly unlocks.
CREATE TABLE IF NOT EXISTS killswitch (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  engaged INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  reason TEXT
);

-- Process groups the daemon terminates when their leases end or the killswitch engages.
CREATE TABLE IF NOT EXISTS supervised (
  pgid INTEGER PRIMARY KEY,
  pid INTEGER NOT NULL,
  lease_ids TEXT NOT NULL,
  registered_at INTEGER NOT NULL
);

-- Env files the daemon wrote; deleted on expiry, killswitch and cleanup.
CREATE TABLE IF NOT EXISTS env_files (
  path TEXT PRIMARY KEY,
  lease_ids TEXT NOT NULL,
  registered_at INTEGER NOT NULL
);

-- The audit log. \`entry\` is the record itself (canonical JSON) and the only thing the HMAC chain
-- covers and queries return; the generated columns are views of it for the indexes, never stored.
-- Standing permissions of a client (approved by a person, or pre-approved with \`clients allow\`).
CREATE TABLE IF NOT EXISTS grants (
  grant_id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  launcher TEXT,
  secrets TEXT,
  max_ttl_ms INTEGER,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS grants_by_client ON grants (client_id) WHERE revoked_at IS NULL;

-- After a deny, the same client and launcher are refused without asking until \`until\`.
CREATE TABLE IF NOT EXISTS denials (
  client_id TEXT NOT NULL,
  launcher TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (client_id, launcher)
);

CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  entry TEXT NOT NULL,
  mac TEXT NOT NULL,
  at INTEGER GENERATED ALWAYS AS (json_extract(entry, '$.at')) VIRTUAL,
  action TEXT GENERATED ALWAYS AS (json_extract(entry, '$.action')) VIRTUAL,
  client_id TEXT GENERATED ALWAYS AS (json_extract(entry, '$.client_id')) VIRTUAL,
  secret_name TEXT GENERATED ALWAYS AS (json_extract(entry, '$.secret_name')) VIRTUAL
);
CREATE INDEX IF NOT EXISTS audit_by_client ON audit (client_id, id);
CREATE INDEX IF NOT EXISTS audit_by_secret ON audit (secret_name, id);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, id);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit (at);

CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- The newest entry's id and mac, itself MACed, so cutting entries off the end is detected too.
CREATE TABLE IF NOT EXISTS audit_head (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_id INTEGER NOT NULL,
  mac TEXT NOT NULL
);
`;

/**
 * Columns added after a table was first created: `CREATE TABLE IF NOT EXISTS` leaves an existing
 * store's table as it was, so each later column is added here when missing.
 */
const ADDED_COLUMNS: { table: string; column: string; type: string }[] = [
  // The verified launcher that took the lease: only it (and an admin) may renew or revoke it.
  { table: 'leases', column: 'launcher', type: 'TEXT' },
  // What `secrets env` wrote: the file's device, inode and birth time and its directory's real path,
  // device, inode and birth time, so only that very file is ever deleted (processes/env-files.ts).
  { table: 'env_files', column: 'dev', type: 'TEXT' },
  { table: 'env_files', column: 'ino', type: 'TEXT' },
  { table: 'env_files', column: 'dir_path', type: 'TEXT' },
  { table: 'env_files', column: 'dir_dev', type: 'TEXT' },
  { table: 'env_files', column: 'dir_ino', type: 'TEXT' },
  { table: 'env_files', column: 'birth', type: 'TEXT' },
  { table: 'env_files', column: 'dir_birth', type: 'TEXT' },
  // The group leader's start time (/proc/<pid>/stat field 22): a group whose leader changed is not signalled.
  { table: 'supervised', column: 'start_time', type: 'TEXT' },
  // When the secret's rotation hook last replaced its value (shown in the window's Secrets tab).
  { table: 'secrets', column: 'rotated_at', type: 'INTEGER' },
];

function addMissingColumns(db: Db): void {
  for (const { table, column, type } of ADDED_COLUMNS) {
    const columns = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    if (!columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

export function openDb(path: string): Db {
  const fresh = !existsSync(path);
  const db = new Database(path);
  if (fresh) chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Keeps the WAL file from staying large after a burst (checkpoints: see checkpointer.ts).
  db.pragma('journal_size_limit = 16777216');
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  addMissingColumns(db);
  db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  return db;
}
