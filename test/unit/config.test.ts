import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../electron/daemon/config.js';
import { DaemonError } from '../../shared/errors.js';

const rejects = (raw: unknown, pattern: RegExp) =>
  assert.throws(() => parseConfig(raw), (e: unknown) => e instanceof DaemonError && e.code === 'INVALID_CONFIG' && pattern.test(e.message));

test('missing keys take the original agent-secrets defaults', () => {
  const config = parseConfig({});
  assert.equal(config.defaultLeaseTtlMs, 3_600_000);
  assert.equal(config.maxLeaseTtlMs, 86_400_000);
  assert.equal(config.approvalTimeoutMs, 120_000);
  assert.equal(config.file.heartbeat.failures_before_trigger, 3);
  assert.equal(config.file.heartbeat.fail_action.revoke_all, true);
});

test('bad config names the field', () => {
  rejects({ default_lease_tll: '1h' }, /unknown key\(s\) "default_lease_tll"/);
  rejects({ max_lease_ttl: 'forever' }, /max_lease_ttl: must be a positive/);
  rejects({ heartbeat: { interval: '0s' } }, /heartbeat\.interval/);
  rejects({ heartbeat: { fail_action: { nuke: true } } }, /heartbeat\.fail_action/);
  rejects({ default_lease_ttl: '2h', max_lease_ttl: '1h' }, /default_lease_ttl: must not exceed max_lease_ttl/);
  rejects({ server: { max_connections: 0 } }, /server\.max_connections/);
});
