/**
 * `next_actions`: every response tells an agent what it can do next (the self-documenting envelope of
 * the original agent-secrets). Derived from the command and its outcome, never from secret values.
 */
import type { ErrorCode } from './errors.js';

export interface NextAction {
  command: string;
  description: string;
  dangerous: boolean;
}

type Data = Record<string, unknown> | undefined;

const act = (command: string, description: string, dangerous = false): NextAction => ({ command, description, dangerous });

function str(data: Data, key: string, fallback: string): string {
  const value = data?.[key];
  return typeof value === 'string' ? value : fallback;
}

/** Actions after a successful command. */
export function nextActionsOnSuccess(command: string, data: Data): NextAction[] {
  switch (command) {
    case 'init':
      return [act('secrets serve --foreground', 'start the daemon'), act('secrets add NAME', 'add a secret (value from stdin)')];
    case 'lease': {
      const id = str(data, 'lease_id', 'LEASE_ID');
      return [act(`secrets renew ${id}`, 'extend this lease'), act(`secrets revoke ${id}`, 'revoke this lease when done')];
    }
    case 'leases':
      return [act('secrets revoke LEASE_ID', 'revoke one of your leases'), act('secrets revoke --all', 'revoke all your leases', true), act('secrets leases --owner', "every client's leases (the store owner, with the passphrase)")];
    case 'renew':
      return [act(`secrets revoke ${str(data, 'lease_id', 'LEASE_ID')}`, 'revoke this lease when done')];
    case 'revoke':
      return [act('secrets leases', 'list the leases still active')];
    case 'add':
    case 'set':
      return [act(`secrets lease ${str(data, 'name', 'NAME')}`, 'lease the secret'), act('secrets list', 'list secrets')];
    case 'rm':
      return [act('secrets list', 'list the remaining secrets')];
    case 'rotate':
      return [act(`secrets lease ${str(data, 'name', 'NAME')}`, 'lease the new value'), act('secrets audit --action secret.rotated', 'rotation history')];
    case 'list':
      return [act('secrets lease NAME --ttl 1h --client-id ID', 'lease a secret'), act('secrets add NAME', 'add a secret')];
    case 'audit':
      return [act('secrets audit verify', 'check the audit chain'), act('secrets audit --follow', 'stream new entries')];
    case 'audit verify':
      return data?.ok === false
        ? [act('secrets audit --tail 50', 'inspect the entries around the first bad one'), act('secrets killswitch', 'if you suspect compromise, cut all access', true)]
        : [act('secrets audit --tail 20', 'read the latest entries')];
    case 'serve':
      return [act('secrets status', 'check the daemon')];
    case 'killswitch':
      return [act('secrets status', 'see the lock and what was cut'), act('secrets killswitch --disengage', 'unlock (the store owner, with the passphrase)')];
    case 'killswitch --disengage':
      return [act('secrets status', 'check the daemon'), act('secrets leases', 'list active leases')];
    case 'env':
      return [act('secrets cleanup', 'delete env files whose leases ended'), act('secrets revoke --all', 'end access now (the file is deleted)', true)];
    case 'cleanup':
      return [act('secrets leases', 'list active leases')];
    case 'requests':
      return [
        act('secrets approve REQUEST_ID --for 1h', 'allow the client for an hour (the store owner, with the passphrase)'),
        act('secrets deny REQUEST_ID', 'deny the request (the store owner, with the passphrase)'),
      ];
    case 'approve':
    case 'deny':
    case 'clients allow':
      return [act('secrets clients', 'list approved clients'), act('secrets requests', 'see what else is pending')];
    case 'clients':
    case 'clients forget':
    case 'clients revoke':
      return [act('secrets clients forget CLIENT_ID', 'revoke every grant of a client', true), act('secrets requests', 'pending approval requests')];
    default:
      return [act('secrets status', 'daemon state and counts'), act('secrets list', 'list secrets'), act('secrets leases', 'list active leases')];
  }
}

/** Actions after an error, by code. */
export function nextActionsOnError(code: ErrorCode): NextAction[] {
  switch (code) {
    case 'DAEMON_NOT_RUNNING':
      return [act('secrets serve --foreground', 'start the daemon'), act('secrets init', 'create a store first if there is none')];
    case 'STORE_NOT_FOUND':
      return [act('secrets init --passphrase-file FILE', 'create the store')];
    case 'SECRET_NOT_FOUND':
      return [act('secrets list', 'list the secrets that exist')];
    case 'LEASE_NOT_FOUND':
    case 'LEASE_EXPIRED':
    case 'LEASE_REVOKED':
      return [act('secrets leases', 'list active leases'), act('secrets lease NAME', 'take a new lease')];
    case 'SECRET_EXISTS':
      return [act('secrets set NAME', 'replace the value instead')];
    case 'INVALID_DURATION':
      return [act('secrets lease NAME --ttl 1h', 'use a duration such as 30m, 1h or 1h30m')];
    case 'ADMIN_REQUIRED':
    case 'PASSPHRASE_INCORRECT':
      return [act('secrets status', 'see who can perform admin actions')];
    case 'ADMIN_LOCKED':
      return [act('secrets status', 'see when admin proofs are accepted again'), act('secrets audit --action admin.denied', 'see the wrong proofs')];
    case 'GRANT_NOT_FOUND':
      return [act('secrets clients', 'list clients and their grants')];
    case 'DENIED':
      return [act('secrets requests', 'see what is waiting for a person'), act('secrets status', 'see the approval policy')];
    case 'REQUEST_NOT_FOUND':
      return [act('secrets requests', 'list pending requests (decided or expired ones are gone)')];
    case 'LOCKED':
    case 'KILLSWITCH_ENGAGED':
      return [act('secrets status', 'see why the store is locked'), act('secrets killswitch --disengage', 'unlock (the store owner, with the passphrase)')];
    default:
      return [act('secrets status', 'check the daemon'), act('secrets --help', 'list commands')];
  }
}
