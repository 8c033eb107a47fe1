/**
 * `secrets rotate NAME`: run the secret's rotation hook; a value it prints becomes the new value
 * atomically, and the old value's leases are revoked in the same transaction. A failure keeps the old
 * value. Only the exit code and duration are recorded, never what the hook printed.
 *
 * One rotation of a secret at a time: a rotate that arrives while that secret's hook runs joins it
 * and gets its result. Two hooks at once would race at the provider (each revoking the credential the
 * other just made) and in the store (the later write wins, whichever hook the provider kept). Joining
 * rather than queueing a second run is enough: the rotation in progress already yields a value no
 * lease has seen. Different secrets still rotate in parallel.
 */
import { DaemonError } from '../../../shared/errors.js';
import type { Actor, Journal } from '../audit/journal.js';
import type { LeaseManager } from '../leases/leases.js';
import { type HookResult, runRotationHook } from './rotation-hook.js';
import type { SecretsStore } from '../secrets/secrets-store.js';

export interface RotationResult {
  name: string;
  rotated: boolean;
  revoked_leases: number;
  exit_code: number | null;
  duration_ms: number;
  reason: string | null;
}

export type HookRunner = (command: string, timeoutMs: number) => Promise<HookResult>;

export class Rotator {
  /** The rotation running for each secret, which a rotate of the same secret joins. */
  private readonly running = new Map<string, Promise<RotationResult>>();

  constructor(
    private readonly secrets: SecretsStore,
    private readonly leases: LeaseManager,
    private readonly journal: Journal,
    /** Changed live by config.set (rotation_timeout): read when a hook starts. */
    public timeoutMs: number,
    private readonly runHook: HookRunner = runRotationHook,
  ) {}

  /**
   * Rotates the secret, or joins its rotation already in progress.
   * @throws DaemonError SECRET_NOT_FOUND (also when it is removed while its hook runs); INVALID_PARAMS
   * when the secret has no hook.
   */
  rotate(name: string, by?: Actor | null): Promise<RotationResult> {
    const inProgress = this.running.get(name);
    if (inProgress !== undefined) return inProgress;
    const rotation = this.rotateOnce(name, by ?? undefined).finally(() => this.running.delete(name));
    this.running.set(name, rotation);
    return rotation;
  }

  /** `by`: who asked, for the audit log (undefined: whoever `Journal.as` names, e.g. the killswitch). */
  private async rotateOnce(name: string, by: Actor | undefined): Promise<RotationResult> {
    const command = this.secrets.require(name).rotate_via;
    if (command === null) {
      throw new DaemonError('INVALID_PARAMS', `secret "${name}" has no rotation hook`, 'add one when adding the secret: secrets add NAME --rotate-via CMD');
    }
    const hook = await this.runHook(command, this.timeoutMs);
    const measured = { exit_code: hook.exit_code, duration_ms: hook.duration_ms };
    if (!hook.ok) {
      this.journal.run((tx) => {
        tx.audit({ action: 'secret.rotation_failed', outcome: 'error', secret_name: name, detail: { ...measured, reason: hook.reason } });
        tx.emit('rotate.failed', { name, ...measured, reason: hook.reason });
      }, by);
      return { name, rotated: false, revoked_leases: 0, ...measured, reason: hook.reason };
    }
    let revoked = 0;
    await this.secrets.set(name, hook.value, {
      action: 'secret.rotated',
      detail: measured,
      by,
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
