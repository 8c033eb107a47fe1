/** What code outside the daemon (the CLI's in-process commands, Electron main) may use. */
export { startDaemon, type DaemonOptions, type RunningDaemon } from './daemon.js';
export { initStore, type InitResult } from './store-init.js';
export { detectProtection, DEFAULT_SCRYPT_WORK_FACTOR } from './store/identity.js';
export { readAgentSecretsStore, type ImportedSecret } from './imports/agent-secrets-store.js';
export { readDotenvFile } from './imports/dotenv-file.js';
