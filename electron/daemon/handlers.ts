/** What each protocol method does, given already validated and authorised params. */
import { DaemonError } from '../../shared/errors.js';
import { formatDuration, parseDuration } from '../../shared/durations.js';
import type { MethodName, ResultOf, ValidParams } from '../../shared/protocol.js';
import { VERSION } from '../../shared/version.js';
import type { Caller } from './caller.js';
import type { Core } from './core.js';
import { envFileText, writeEnvFile } from './env-writer.js';
import { grantExpiry, grantMaxTtl } from './grants.js';

export type Handler<M extends MethodName> = (params: ValidParams<M>, caller: Caller) => ResultOf<M> | Promise<ResultOf<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

const TEN_YEARS_MS = 10 * 365 * 24 * 3_600_000;

export function createHandlers(core: Core): Handlers {
  const uptime = () => Math.round((core.clock.now() - core.startedAt) / 1000);
  return {
    health: () => ({ ok: true, version: VERSION, uptime_s: uptime() }),

    status: () => {
      const killswitch = core.killswitch.state();
      const protection = core.options.identity.protection;
      const warnings: string[] = [];
      if (killswitch.engaged) warnings.push(`the killswitch is engaged (${killswitch.reason ?? 'no reason given'}): every lease is refused until the store owner runs: secrets killswitch --disengage`);
      if (protection === 'insecure-keyfile') {
        warnings.push('the identity is a plaintext key file (--insecure-keyfile): admin actions are open to any local process, so an agent can approve itself');
      }
      if (core.config.file.approvals.policy === 'preapproved') {
        warnings.push(`approval policy "preapproved": ${core.config.file.approvals.preapproved.length} client(s) from config.json lease without asking`);
      }
      return {
        version: VERSION,
        pid: process.pid,
        started_at: new Date(core.startedAt).toISOString(),
        uptime_s: uptime(),
        data_dir: core.options.dataDir,
        socket: core.options.socketPath,
        protection,
        locked: killswitch.engaged,
        killswitch,
        heartbeat: heartbeatStatus(core),
        approvals: { policy: core.config.file.approvals.policy, pending: core.approvals.pendingCount, timeout: formatDuration(core.config.approvalTimeoutMs) },
        counts: { secrets: core.secrets.count(), active_leases: core.leases.activeCount(), audit_entries: core.audit.count() },
        limits: { default_lease_ttl: formatDuration(core.config.defaultLeaseTtlMs), max_lease_ttl: formatDuration(core.config.maxLeaseTtlMs) },
        warnings,
      };
    },

    'secrets.list': () => ({ secrets: core.secrets.list() }),
    'secrets.add': async (p) => ({ secret: await core.secrets.add(p) }),
    'secrets.set': async (p) => ({ secret: await core.secrets.set(p.name, p.value) }),
    'secrets.remove': (p) =>
      core.journal.run((tx) => {
        const revoked = core.leases.revokeInTx(tx, { secret_name: p.name }, 'secret removed');
        core.secrets.removeInTx(tx, p.name);
        return { name: p.name, revoked_leases: revoked.length };
      }),

    'secrets.rotate': (p) => core.rotator.rotate(p.name),
    'lease.grant': (p, caller) => core.leases.grant({ ...p, verified: caller.identity?.() ?? null }),
    'lease.grant_many': async (p, caller) => ({ leases: await grantAll(core, p, caller) }),
    'env.write': async (p, caller) => {
      const leases = await grantAll(core, p, caller);
      try {
        const entries = leases.map((lease, i) => ({ env_var: p.secrets[i]!.env_var, lease }));
        writeEnvFile(p.path, envFileText(entries, p.client_id, new Date(core.clock.now())), p.force === true, core.envFiles, leases.map((l) => l.lease_id));
      } catch (error) {
        leases.forEach((lease) => core.leases.revoke({ lease_id: lease.lease_id }, 'the env file could not be written'));
        throw error;
      }
      return { path: p.path, leases: leases.map(({ lease_id, secret_name, expires_at }) => ({ lease_id, secret_name, expires_at })) };
    },
    'env.cleanup': (p) => {
      const stale = core.envFiles.stale(new Set(core.leases.list({}).map((l) => l.lease_id)));
      if (!p.dry_run) stale.forEach((path) => core.envFiles.remove(path));
      return { paths: stale, deleted: !p.dry_run };
    },
    'lease.list': (p) => ({ leases: core.leases.list(p) }),
    'lease.renew': (p) => core.leases.renew(p.lease_id, p.ttl),
    'lease.revoke': (p) => {
      const selector =
        p.lease_id !== undefined
          ? { lease_id: p.lease_id }
          : p.client_id !== undefined
            ? { client_id: p.client_id }
            : p.secret_name !== undefined
              ? { secret_name: p.secret_name }
              : { all: true as const };
      return { revoked: core.leases.revoke(selector, 'revoked by request') };
    },

    'audit.query': (p) => ({
      entries: core.audit.query({
        tail: p.tail,
        afterId: p.after_id,
        clientId: p.client_id,
        secretName: p.secret_name,
        action: p.action,
        sinceMs: p.since === undefined ? undefined : core.clock.now() - parseDuration(p.since, '--since', TEN_YEARS_MS),
      }),
    }),
    'audit.verify': () => core.verifyAudit(),

    'killswitch.engage': (p, caller) => {
      const who = caller.identity?.() ?? null;
      return core.killswitch.engage(p, { pid: who?.pid ?? null });
    },
    'killswitch.disengage': (_p, caller) => {
      const { engaged } = core.killswitch.disengage(decidedBy(core, caller));
      core.heartbeat?.start();
      return { engaged };
    },
    'exec.register': (p, caller) => {
      core.killswitch.assertDisengaged();
      core.supervised.register(p, caller.identity?.()?.pid ?? null);
      return { registered: true as const };
    },

    'requests.list': () => ({ requests: core.approvals.list() }),
    'requests.approve': (p, caller) => core.approvals.approve(p.request_id, p, decidedBy(core, caller)),
    'requests.deny': (p, caller) => ({ request: core.approvals.deny(p.request_id, decidedBy(core, caller)) }),
    'clients.list': () => ({ grants: core.grants.list() }),
    'clients.allow': (p) => ({
      grant: core.grants.add({
        client_id: p.client_id,
        launcher: p.launcher ?? null,
        secrets: p.secrets ?? null,
        max_ttl_ms: grantMaxTtl(p.max_ttl),
        expires_at: p.for === undefined ? null : grantExpiry(p.for, core.clock.now()),
        source: 'pre-approval',
      }),
    }),
    'clients.forget': (p) => ({ client_id: p.client_id, revoked_grants: core.grants.forget(p.client_id) }),

    'events.subscribe': (_p, caller) => {
      if (!caller.subscribe) throw new DaemonError('INVALID_REQUEST', 'this transport cannot stream events');
      caller.subscribe();
      return { subscribed: true as const };
    },
  };
}

/** How the person deciding proved presence, for the audit log. */
function decidedBy(core: Core, caller: Caller): string {
  if (core.options.passphraseVerifier === null) return 'unproven (insecure keyfile)';
  return caller.proof?.passphrase !== undefined ? 'passphrase' : caller.transport;
}

/** The heartbeat as `status` shows it: the URL only as its origin (a path may hold a token). */
function heartbeatStatus(core: Core) {
  const state = core.heartbeat?.state();
  if (!state) return { enabled: false };
  return { ...state, url: new URL(state.url).origin };
}

/** Leases every secret asked for, all or none: a process must not start with half its secrets. */
async function grantAll(core: Core, p: { secrets: { secret_name: string; ttl?: string }[]; client_id: string; client_pid?: number }, caller: Caller) {
  const verified = caller.identity?.() ?? null;
  const results = await Promise.allSettled(p.secrets.map((s) => core.leases.grant({ secret_name: s.secret_name, ttl: s.ttl, client_id: p.client_id, client_pid: p.client_pid, verified })));
  const granted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    granted.forEach((lease) => core.leases.revoke({ lease_id: lease.lease_id }, 'another lease of the same request failed'));
    throw failed.reason;
  }
  return granted;
}
