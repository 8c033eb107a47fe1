/**
 * The table of what every command and every error suggests next. Each suggestion must be runnable as
 * written (the CLI's own parser accepts it), name the ids and names the request or response gave
 * (an UPPERCASE placeholder only for what nobody but the caller knows), and be flagged dangerous
 * exactly when it cuts access or destroys something.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERROR_CODES, type ErrorCode } from '../../shared/errors.js';
import { type Invocation, type NextAction, PLACEHOLDERS, nextActionsOnError, nextActionsOnSuccess } from '../../shared/next-actions.js';
import { COMMANDS } from '../../electron/cli/commands/index.js';
import { daemonNotRunning } from '../../electron/cli/rpc-client.js';
import { secretNotFound } from '../../electron/daemon/secrets/secrets-store.js';
import { parseSuggested, shellWords } from '../helpers/suggested.js';

const LEASE = 'L-0k2m9x4bqa7c3d8e1f5g';
const REQUEST = 'R-3f9a1c2b';
const GRANT = 'G-7d1e';

/** A dangerous suggestion is written with a leading "!". */
type Expected = string[];

interface SuccessCase {
  /** The envelope's command (`clients forget`), which decides the actions. */
  key: string;
  argv: string[];
  data?: Record<string, unknown>;
  expect: Expected;
  /** Placeholders allowed because no response carries the value: why. */
  unknown?: Partial<Record<(typeof PLACEHOLDERS)[number], string>>;
}

const NEW_NAME = 'a new secret is named by its owner';
const ANY_CMD = "the agent's own command";
const OWN_ID = "the agent's own client id";
/** exec, as agents should use secrets: its client id and command are the agent's own. */
const EXEC_SUGGESTION = 'secrets exec --client-id ID -- CMD';
const EXEC_UNKNOWN = { ID: OWN_ID, CMD: ANY_CMD };

const SUCCESS: SuccessCase[] = [
  { key: 'init', argv: ['init', '--passphrase-file', '/home/p/pass'], data: { data_dir: '/d', protection: 'passphrase' }, expect: ['secrets serve --passphrase-file /home/p/pass', 'secrets add NAME'], unknown: { NAME: NEW_NAME } },
  { key: 'serve', argv: ['serve'], data: { socket: '/d/daemon.sock', data_dir: '/d', pid: 42 }, expect: ['secrets status', 'secrets list'] },
  { key: 'status', argv: ['status'], data: { killswitch: { engaged: false } }, expect: ['secrets list', 'secrets leases'] },
  { key: 'status', argv: ['status'], data: { killswitch: { engaged: true } }, expect: ['secrets killswitch --disengage', 'secrets list', 'secrets leases'] },
  { key: 'health', argv: ['health'], data: { ok: true }, expect: ['secrets status', 'secrets list', 'secrets leases'] },
  { key: 'add', argv: ['add', 'github_token'], data: { name: 'github_token' }, expect: [EXEC_SUGGESTION, 'secrets lease github_token --ttl 1h --json', 'secrets list'], unknown: EXEC_UNKNOWN },
  { key: 'set', argv: ['set', 'github_token'], data: { name: 'github_token' }, expect: [EXEC_SUGGESTION, 'secrets lease github_token --ttl 1h --json', 'secrets list'], unknown: EXEC_UNKNOWN },
  { key: 'rm', argv: ['rm', 'github_token'], data: { name: 'github_token', revoked_leases: 1 }, expect: ['secrets list'] },
  { key: 'list', argv: ['list'], data: { secrets: [{ name: 'github_token' }] }, expect: [EXEC_SUGGESTION, 'secrets lease github_token --ttl 1h --json'], unknown: EXEC_UNKNOWN },
  { key: 'list', argv: ['list'], data: { secrets: [] }, expect: ['secrets add NAME'], unknown: { NAME: NEW_NAME } },
  { key: 'rotate', argv: ['rotate', 'github_token'], data: { name: 'github_token', rotated: true }, expect: [EXEC_SUGGESTION, 'secrets audit --action secret.rotated --secret github_token'], unknown: EXEC_UNKNOWN },
  { key: 'lease', argv: ['lease', 'github_token', '--json'], data: { lease_id: LEASE, secret_name: 'github_token' }, expect: [`secrets renew ${LEASE}`, `secrets revoke ${LEASE}`] },
  { key: 'leases', argv: ['leases'], data: { leases: [{ lease_id: LEASE }] }, expect: [`secrets revoke ${LEASE}`, `secrets renew ${LEASE}`, '!secrets revoke --all'] },
  { key: 'leases', argv: ['leases'], data: { leases: [] }, expect: ['secrets list', 'secrets leases --owner'] },
  { key: 'renew', argv: ['renew', LEASE], data: { lease_id: LEASE }, expect: [`secrets revoke ${LEASE}`] },
  { key: 'revoke', argv: ['revoke', '--all'], data: { revoked: [LEASE] }, expect: ['secrets leases'] },
  { key: 'requests', argv: ['requests'], data: { requests: [{ request_id: REQUEST }] }, expect: [`secrets approve ${REQUEST}`, `secrets approve ${REQUEST} --for 1h`, `secrets deny ${REQUEST}`] },
  { key: 'requests', argv: ['requests'], data: { requests: [] }, expect: ['secrets clients'] },
  { key: 'approve', argv: ['approve', REQUEST], data: {}, expect: ['secrets clients', 'secrets requests'] },
  { key: 'deny', argv: ['deny', REQUEST], data: {}, expect: ['secrets clients', 'secrets requests'] },
  { key: 'clients', argv: ['clients'], data: { grants: [{ client_id: 'claude-code', grant_id: GRANT }] }, expect: ['!secrets clients forget claude-code', `!secrets clients revoke ${GRANT}`, 'secrets requests'] },
  { key: 'clients allow', argv: ['clients', 'allow', 'ci-bot'], data: {}, expect: ['secrets clients', 'secrets requests'] },
  { key: 'clients forget', argv: ['clients', 'forget', 'ci-bot'], data: {}, expect: ['secrets clients', 'secrets requests'] },
  { key: 'clients revoke', argv: ['clients', 'revoke', GRANT], data: {}, expect: ['secrets clients', 'secrets requests'] },
  { key: 'env', argv: ['env'], data: { path: '/p/.env', leases: [] }, expect: ['secrets cleanup', '!secrets revoke --all'] },
  { key: 'cleanup', argv: ['cleanup'], data: { paths: [] }, expect: ['secrets leases'] },
  { key: 'import', argv: ['import', 'dotenv', '.env'], data: {}, expect: ['secrets list'] },
  { key: 'audit', argv: ['audit'], data: { entries: [] }, expect: ['secrets audit verify', 'secrets audit --follow'] },
  { key: 'audit verify', argv: ['audit', 'verify'], data: { ok: true }, expect: ['secrets audit --tail 20'] },
  { key: 'audit verify', argv: ['audit', 'verify'], data: { ok: false }, expect: ['secrets audit --tail 50', '!secrets killswitch'] },
  { key: 'killswitch', argv: ['killswitch'], data: {}, expect: ['secrets status', 'secrets killswitch --disengage'] },
  { key: 'killswitch --disengage', argv: ['killswitch', '--disengage'], data: {}, expect: ['secrets status', 'secrets leases'] },
  { key: 'scan', argv: ['scan', 'my app'], data: { dir: 'my app', findings: [{ file: '.env' }] }, expect: ["secrets scan 'my app' --import", 'secrets help scan'] },
  { key: 'scan', argv: ['scan'], data: { dir: '.', findings: [] }, expect: [EXEC_SUGGESTION], unknown: EXEC_UNKNOWN },
  { key: 'scan', argv: ['scan'], data: { dir: '.', findings: [], ignored_dirs_skipped: 2 }, expect: [EXEC_SUGGESTION, 'secrets scan . --no-ignore'], unknown: EXEC_UNKNOWN },
  { key: 'agent-user add', argv: ['agent-user', 'add', 'claude-agent'], data: { name: 'claude-agent', owner: 'alice' }, expect: ['secrets status'] },
  { key: 'agent-user remove', argv: ['agent-user', 'remove', 'claude-agent'], data: { name: 'claude-agent', owner: 'alice' }, expect: ['secrets status'] },
  { key: 'scan --import', argv: ['scan', '--import'], data: { dir: '.', moved: [{ secret_name: 'api_key' }] }, expect: [EXEC_SUGGESTION, 'secrets list'], unknown: EXEC_UNKNOWN },
  // Nothing moved: nothing to run with; what is left, and why, is the scan's to say.
  { key: 'scan --import', argv: ['scan', 'my app', '--import'], data: { dir: 'my app', moved: [], left: [{ file: '.env' }] }, expect: ["secrets scan 'my app'", 'secrets list'] },
];

/** Commands whose success prints no envelope: their actions are the error ones. */
const NO_ENVELOPE: Record<string, string> = {
  exec: "the command's own output and exit code",
  mcp: 'an MCP server speaking on stdio',
};

interface ErrorCase {
  code: ErrorCode;
  argv: string[];
  hint?: string;
  expect: Expected;
  unknown?: SuccessCase['unknown'];
}

const EXEC = ['exec', '--client-id', 'my-agent', '--', 'npm', 'test'];
const DEFAULT = (command: string) => ['secrets status', `secrets help ${command}`];

const ERRORS: ErrorCase[] = [
  { code: 'DAEMON_NOT_RUNNING', argv: EXEC, hint: daemonNotRunning('/d/daemon.sock').hint, expect: ['secrets serve', 'secrets init', 'secrets exec --client-id my-agent -- npm test'] },
  { code: 'STORE_NOT_FOUND', argv: ['serve'], hint: 'the person creates one with: secrets init', expect: ['secrets init'] },
  { code: 'SECRET_NOT_FOUND', argv: EXEC, hint: secretNotFound('github_token').hint, expect: ['secrets list', 'secrets add github_token'] },
  { code: 'SECRET_NOT_FOUND', argv: ['lease', 'gh_token'], expect: ['secrets list', 'secrets add gh_token'] },
  { code: 'LEASE_NOT_FOUND', argv: ['renew', LEASE], hint: 'list active leases with: secrets leases', expect: ['secrets leases', 'secrets list'] },
  { code: 'LEASE_EXPIRED', argv: ['renew', LEASE], hint: 'take a new lease: secrets lease github_token', expect: ['secrets lease github_token', 'secrets leases', 'secrets list'] },
  { code: 'LEASE_REVOKED', argv: ['renew', LEASE], hint: 'take a new lease: secrets lease github_token', expect: ['secrets lease github_token', 'secrets leases', 'secrets list'] },
  { code: 'REQUEST_NOT_FOUND', argv: ['approve', REQUEST], expect: ['secrets requests'] },
  { code: 'GRANT_NOT_FOUND', argv: ['clients', 'revoke', GRANT], expect: ['secrets clients'] },
  { code: 'PROJECT_NOT_FOUND', argv: EXEC, expect: ['secrets help exec'] },
  { code: 'SECRET_EXISTS', argv: ['add', 'github_token'], hint: 'the store owner replaces its value with: secrets set github_token', expect: ['!secrets set github_token'] },
  { code: 'USAGE', argv: ['revoke'], hint: 'secrets revoke LEASE_ID | --all | --client ID | --secret NAME', expect: ['secrets help revoke'] },
  { code: 'INVALID_PARAMS', argv: ['add', 'x'], expect: ['secrets help add'] },
  { code: 'INVALID_NAME', argv: ['add', 'a/b'], expect: ['secrets help add'] },
  { code: 'INVALID_VALUE', argv: ['add', 'x'], expect: ['secrets help add'] },
  { code: 'INVALID_DURATION', argv: ['lease', 'github_token', '--ttl', '0'], expect: ['secrets lease github_token --ttl 1h', 'secrets help lease'] },
  { code: 'DENIED', argv: ['agent-user', 'add', 'claude-agent'], hint: 'the person runs: sudo secrets agent-user add claude-agent', expect: ['secrets help agent-user'] },
  { code: 'DENIED', argv: ['lease', 'github_token'], hint: 'do not retry: ask the person what access you should have', expect: ['secrets requests', 'secrets status'] },
  { code: 'ADMIN_REQUIRED', argv: ['add', 'github_token'], hint: 'the person runs it in a terminal (the passphrase is asked for), or with --passphrase-file FILE', expect: ['secrets add github_token'] },
  { code: 'PASSPHRASE_INCORRECT', argv: ['approve', REQUEST, '--passphrase-file', '/p/pass'], expect: [`secrets approve ${REQUEST} --passphrase-file /p/pass`] },
  { code: 'ADMIN_LOCKED', argv: ['deny', REQUEST], expect: ['secrets status', 'secrets audit --action admin.denied'] },
  { code: 'LOCKED', argv: ['lease', 'github_token'], expect: ['secrets status', 'secrets killswitch --disengage'] },
  { code: 'KILLSWITCH_ENGAGED', argv: EXEC, hint: 'the store owner runs: secrets killswitch --disengage', expect: ['secrets killswitch --disengage', 'secrets status'] },
  { code: 'DAEMON_ALREADY_RUNNING', argv: ['serve'], hint: 'use it: secrets status', expect: ['secrets status'] },
  { code: 'AUDIT_TAMPERED', argv: ['audit', 'verify'], hint: 'inspect it with: secrets audit --tail 20 (checked 9 good entries before it)', expect: ['secrets audit --tail 20', ...DEFAULT('audit')] },
  { code: 'ROTATION_FAILED', argv: ['rotate', 'github_token'], hint: 'fix the hook command and run: secrets rotate github_token', expect: ['secrets rotate github_token', ...DEFAULT('rotate')] },
  // A store there but no daemon: `status` would only say it is not running.
  { code: 'STORE_EXISTS', argv: ['init', '--passphrase-file', '/p/pass'], hint: 'it was left untouched; to start over, move that directory away first', expect: ['secrets serve --passphrase-file /p/pass'] },
  // Passing conditions: the same command again, with its own arguments.
  { code: 'TIMEOUT', argv: ['lease', 'github_token', '--ttl', '30m'], hint: 'reconnect for the next request', expect: ['secrets lease github_token --ttl 30m', 'secrets status'] },
  { code: 'TOO_MANY_CONNECTIONS', argv: EXEC, hint: 'retry shortly', expect: ['secrets exec --client-id my-agent -- npm test', 'secrets status'] },
  ...(['INVALID_CONFIG', 'UNSAFE_PERMISSIONS', 'AUDIT_WRITE_FAILED', 'DISK_FULL', 'STORE_READ_ONLY', 'STORE_CORRUPT', 'PARSE_ERROR', 'INVALID_REQUEST', 'METHOD_NOT_FOUND', 'FRAME_TOO_LARGE', 'INTERNAL'] as const).map(
    (code): ErrorCase => ({ code, argv: ['status'], expect: DEFAULT('status') }),
  ),
];

/** The invocation main.ts records, built by the CLI's own parser. */
function invocationOf(argv: string[]): Invocation {
  const parsed = parseSuggested(['secrets', ...argv].map((w) => (/^[\w./:@-]+$/.test(w) ? w : `'${w}'`)).join(' '));
  assert.ok(parsed.kind !== 'text', argv.join(' '));
  assert.ok(parsed.invocation, `${argv.join(' ')} parses to an invocation`);
  return parsed.invocation;
}

const written = (actions: NextAction[]) => actions.map((a) => (a.dangerous ? '!' : '') + a.command);

/** Every suggestion parses as written, and placeholders stand only for what no response carries. */
function checkRunnable(actions: NextAction[], unknown: SuccessCase['unknown'] = {}): void {
  for (const { command } of actions) {
    const parsed = parseSuggested(command);
    assert.notEqual(parsed.kind, 'error', `${command}: ${parsed.kind === 'error' ? parsed.error.message : ''}`);
    for (const word of shellWords(command)) {
      if ((PLACEHOLDERS as readonly string[]).includes(word)) assert.ok(word in unknown, `${command}: placeholder ${word} where the value is known`);
    }
  }
}

describe('next_actions after a success', () => {
  for (const c of SUCCESS) {
    test(`${c.argv.join(' ')} → ${c.expect.join(' · ')}`, () => {
      const actions = nextActionsOnSuccess(c.key, c.data, invocationOf(c.argv));
      assert.deepEqual(written(actions), c.expect);
      checkRunnable(actions, c.unknown);
    });
  }

  test('every command has an entry', () => {
    const covered = new Set([...SUCCESS.map((c) => c.argv[0]), ...Object.keys(NO_ENVELOPE)]);
    for (const command of COMMANDS) assert.ok(covered.has(command.name), `no next_actions entry for ${command.name}`);
  });
});

describe('next_actions after an error', () => {
  for (const c of ERRORS) {
    test(`${c.code} after ${c.argv.join(' ')} → ${c.expect.join(' · ')}`, () => {
      const actions = nextActionsOnError(c.code, invocationOf(c.argv), c.hint);
      assert.deepEqual(written(actions), c.expect);
      checkRunnable(actions, c.unknown);
    });
  }

  test('every error code has an entry, and actions without a request still run', () => {
    const covered = new Set(ERRORS.map((c) => c.code));
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      assert.ok(covered.has(code), `no next_actions entry for ${code}`);
      const actions = nextActionsOnError(code);
      assert.ok(actions.length > 0, code);
      checkRunnable(actions, { NAME: 'no request', FILE: 'no request', ID: OWN_ID, CMD: ANY_CMD });
    }
  });

  test('a hint naming a placeholder or a garbage name adds no action', () => {
    assert.deepEqual(written(nextActionsOnError('LEASE_REVOKED', undefined, 'take a new lease: secrets lease NAME')), ['secrets leases', 'secrets list']);
    assert.doesNotMatch(secretNotFound('a b;rm -rf ~').hint!, /secrets add/);
  });
});

/**
 * Commands only the person who owns the store can run: they need the store's passphrase (or a click in
 * its window), or they act on the store itself.
 */
function adminOnly(command: string): boolean {
  const words = shellWords(command);
  const [, verb, sub] = words;
  if (words.includes('--owner') || words.includes('--passphrase-file')) return true;
  if (verb === 'killswitch') return words.includes('--disengage') || words.includes('--wipe') || words.includes('--rotate');
  if (verb === 'clients') return sub === 'allow' || sub === 'forget' || sub === 'revoke';
  if (verb === 'scan') return words.includes('--import');
  return ['init', 'serve', 'add', 'set', 'rm', 'approve', 'deny', 'import', 'agent-user'].includes(verb!);
}

test('every suggested admin-only command says it is for the person or the store owner', () => {
  const all = [
    ...SUCCESS.flatMap((c) => nextActionsOnSuccess(c.key, c.data, invocationOf(c.argv))),
    ...ERRORS.flatMap((c) => nextActionsOnError(c.code, invocationOf(c.argv), c.hint)),
    ...(Object.keys(ERROR_CODES) as ErrorCode[]).flatMap((code) => nextActionsOnError(code)),
  ];
  const admin = all.filter((a) => adminOnly(a.command));
  assert.ok(admin.length > 10, 'the tables suggest admin commands');
  for (const action of admin) assert.match(action.description, /\b(person|store owner)\b/, `${action.command}: "${action.description}" does not say who runs it`);
});

