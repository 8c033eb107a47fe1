/**
 * The dead-man switch: when the configured heartbeat endpoint stays down, engage the killswitch with
 * the configured fail actions. Every failed check and the trigger are audited.
 */
import type { Core } from './core.js';
import { Heartbeat, heartbeatOptionsFromConfig } from './killswitch/heartbeat.js';
import { createLogger } from './logger.js';

const log = createLogger('dead-man');

/** null when no heartbeat is configured. */
export function createDeadManSwitch(core: Core): Heartbeat | null {
  const config = core.config.file.heartbeat;
  if (!config.enabled) return null;
  const { revoke_all, rotate_all, wipe_store } = config.fail_action;
  return new Heartbeat(heartbeatOptionsFromConfig(config), core.clock, {
    onFailure: (info) =>
      core.journal.run((tx) =>
        tx.audit({ action: 'heartbeat.failed', outcome: 'error', detail: { reason: info.reason, consecutive_failures: info.consecutive_failures, failures_before_trigger: info.failures_before_trigger } }),
      ),
    onTrigger: (info) => {
      log.warn('the heartbeat endpoint stayed down: engaging the killswitch', { consecutive_failures: info.consecutive_failures });
      core.journal.run((tx) => tx.audit({ action: 'heartbeat.triggered', outcome: 'error', detail: { reason: info.reason, consecutive_failures: info.consecutive_failures, last_ok: info.last_ok } }));
      core.killswitch.engage({ reason: `heartbeat: ${info.reason}`, revoke: revoke_all, rotate: rotate_all, wipe: wipe_store }, { pid: null });
    },
  });
}
