/** `secrets init`: create the data dir, the identity, the database and a config with every default. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from './audit/audit.js';
import { deriveAuditKey } from './audit/audit-chain.js';
import { openDb } from './store/db.js';
import { type IdentityProtection, createIdentity } from './store/identity.js';
import { FILES, checkDataDirSafe, ensureDataDir } from './store/paths.js';
import { writeFileAtomic } from './store/atomic-file.js';

const DEFAULT_CONFIG = {
  default_lease_ttl: '1h',
  max_lease_ttl: '24h',
  approval_timeout: '120s',
  rotation_timeout: '30s',
};

export interface InitResult {
  data_dir: string;
  protection: IdentityProtection['kind'];
  recipient: string;
}

/** @throws DaemonError STORE_EXISTS (nothing is touched), UNSAFE_PERMISSIONS */
export async function initStore(dataDir: string, protection: IdentityProtection): Promise<InitResult> {
  ensureDataDir(dataDir);
  checkDataDirSafe(dataDir);
  const identity = await createIdentity(dataDir, protection);
  const db = openDb(join(dataDir, FILES.db));
  try {
    const audit = new AuditLog(db, deriveAuditKey(identity.identity), Date.now);
    db.transaction(() => {
      audit.append({ action: 'store.initialized', detail: { protection: identity.protection } });
      audit.commitHead();
    })();
  } finally {
    db.close();
  }
  const configPath = join(dataDir, FILES.config);
  if (!existsSync(configPath)) writeFileAtomic(configPath, JSON.stringify(DEFAULT_CONFIG, null, 2) + '\n');
  return { data_dir: dataDir, protection: identity.protection, recipient: identity.recipient };
}
