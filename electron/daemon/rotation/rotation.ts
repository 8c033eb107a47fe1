/**
 * `secrets rotate NAME`: run the secret's rotation hook; a value it prints becomes the new value
 * atomically, and the old value's leases are revoked in the same transaction. A failure keeps the old
 * value. Only the exit code and duration are recorded, never what the hook printed.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { Journal } from '../audit/journal.js';
import type { LeaseManager } from '../leases/leases.js';
import { runRotationHook } from './rotation-hook.js';
import type { SecretsStore } from '../secrets/secrets-store.js';

export interface RotationResult {
  name: string;
  rotated: boolean;
  revoked_leases: number;
  exit_code: number | null;
  duration_ms: number;
  reason: string | null;
}

export class Rotator {
  constructor(
    private readonly secrets: SecretsStore,
    private readonly leases: LeaseManager,
    private readonly journal: Journal,
    private readonly timeoutMs: number,
  ) {}

  /** @throws DaemonError SECRET_NOT_FOUND; INVALID_PARAMS when the secret has no hook. */
  async rotate(name: string): Promise<RotationResult> {
    const command = this.secrets.require(name).rotate_via;
    if (command === null) {
      throw new DaemonError('INVALID_PARAMS', `secret "${name}" has no rotation hook`, 'add one when adding the secret: secrets add NAME --rotate-via CMD');
    }
    const hook = await runRotationHook(command, this.timeoutMs);
    const measured = { exit_code: hook.exit_code, duration_ms: hook.duration_ms };
    if (!hook.ok) {
      this.journal.run((tx) => {
        tx.audit({ action: 'secret.rotation_failed', outcome: 'error', secret_name: name, detail: { ...measured, reason: hook.reason } });
        tx.emit('rotate.failed', { name, ...measured, reason: hook.reason });
      });
      return { name, rotated: false, revoked_leases: 0, ...measured, reason: hook.reason };
    }
    let revoked = 0;
    await this.secrets.set(name, hook.value, {
      action: 'secret.rotated',
      detail: measured,
      within: (tx) => {
        revoked = this.leases.revokeInTx(tx, { secret_name: name }, 'secret rotated').length;
        tx.emit('rotate.completed', { name, ...measured, revoked_leases: revoked });
      },
    });
    return { name, rotated: true, revoked_leases: revoked, ...measured, reason: null };
  }

  /** Names of the secrets that have a rotation hook. */
  withHooks(): string[] {
    return this.secrets.list().filter((s) => s.rotate_via !== null).map((s) => s.name);
  }

  /** Runs the hooks one after another (the killswitch's --rotate); failures are recorded, not thrown. */
  async rotateAll(names: string[] = this.withHooks()): Promise<RotationResult[]> {
    const results: RotationResult[] = [];
    for (const name of names) {
      try {
        results.push(await this.rotate(name));
      } catch {
        // Removed meanwhile: nothing to rotate.
      }
    }
    return results;
  }
}
