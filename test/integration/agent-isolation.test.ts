/**
 * Agents under their own OS user, tried as such an agent would: the person's daemon runs as the
 * person, the agent as another user in the agents' group (the set-up `sudo secrets agent-user add`
 * makes), a "container" as a bare uid that reaches the socket through a bind mount. Everything the
 * agent does here it does as that user, through the real CLI or a raw socket client; what it must not
 * get is asserted to fail and the person's store to be intact afterwards.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { agentSocketRoot } from '../../shared/locations.js';
import { APPROVAL_PENDING_NOTIFICATION, EVENT_NOTIFICATION } from '../../shared/notifications.js';
import { OsAccounts, type OsUser, cannotSwitchUsers } from '../helpers/os-users.js';
import { waitUntil } from '../helpers/processes.js';
import { CLI, type CliResult, REPO, TestStore, runCli, runNode } from '../helpers/store.js';

const VALUE = 'ghp_agentUserIsolation0123456789abcdef';
const RAW_RPC = join(REPO, 'test', 'fixtures', 'raw-rpc.mjs');
/** A uid with no account on the host, standing for a container's user (listed in agents.uids), and one not listed. */
const CONTAINER_UID = 42_000 + Math.floor(Math.random() * 1000);
const STRANGER_UID = CONTAINER_UID + 1;
/** An agent's environment: no store of its own, nothing pointing at the person's. */
const AGENT_ENV = { HOME: '/nonexistent', AGENT_SECRETS_LOG_LEVEL: 'warn' };

describe('agents under their own OS user', { skip: cannotSwitchUsers ?? false }, () => {
  const accounts = new OsAccounts();
  let person: OsUser;
  let agent: OsUser;
  let outsider: OsUser;
  let store: TestStore;
  let work: string;
  let agentDir: string;
  let agentSocket: string;
  let madeRoot = false;

  const asAgent = (args: string[], options: { cwd?: string; input?: string } = {}) => runCli(args, AGENT_ENV, { prefix: agent.prefix, ...options });
  /** The raw client, run as `user`: a JSON list of [method, params, auth?] on one connection. */
  const probe = (user: OsUser, socket: string, calls: unknown[]) => runNode([RAW_RPC, socket, JSON.stringify(calls)], AGENT_ENV, { prefix: user.prefix });
  /** What `user` gets trying each file operation: 'ok' or the error code. */
  async function attempts(user: OsUser, operations: Record<string, string>): Promise<Record<string, string>> {
    const body = Object.entries(operations)
      .map(([name, code]) => `try { ${code}; out[${JSON.stringify(name)}] = 'ok' } catch (e) { out[${JSON.stringify(name)}] = e.code }`)
      .join('\n');
    const result = await runNode(['-e', `const fs = require('node:fs'); const out = {};\n${body}\nprocess.stdout.write(JSON.stringify(out))`], AGENT_ENV, { prefix: user.prefix });
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Record<string, string>;
  }
  const pending = async () => (await store.cli(['requests', '--json'])).json.data.requests as { request_id: string; client_id: string; verified: any }[];

  before(async () => {
    const agents = accounts.group('agents');
    person = accounts.user('person');
    agent = accounts.user('agent', [agents.name]);
    outsider = accounts.user('outsider');
    // What `sudo secrets agent-user add` makes: the person's directory, group-traversable, setgid.
    const root = agentSocketRoot('linux');
    madeRoot = !existsSync(root);
    mkdirSync(root, { recursive: true, mode: 0o755 });
    agentDir = join(root, person.name);
    mkdirSync(agentDir);
    chownSync(agentDir, person.uid, agents.gid);
    chmodSync(agentDir, 0o2750);
    agentSocket = join(agentDir, 'agents.sock');
    work = mkdtempSync(join(tmpdir(), 'as-iso-'));
    chmodSync(work, 0o755);

    store = new TestStore({ owner: person, autoApprove: false, config: { agents: { group: agents.name, uids: [CONTAINER_UID] } } });
    await store.init();
    await store.start();
    assert.equal((await store.admin(['add', 'deploy_token'], { input: VALUE })).code, 0);
  });

  after(async () => {
    await store?.cleanup();
    rmSync(work, { recursive: true, force: true });
    rmSync(agentDir, { recursive: true, force: true });
    if (madeRoot) rmSync(agentSocketRoot('linux'), { recursive: true, force: true });
    await accounts.removeAll();
  });

  test('the agent finds its agent socket by itself, leases after the person approves a prompt that names its user first, and execs with the secret', async () => {
    const status = await asAgent(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json.data.socket, agentSocket);

    const leasing = asAgent(['lease', 'deploy_token', '--client-id', 'bot', '--json']);
    assert.ok(await waitUntil(async () => (await pending()).length === 1, 20_000), 'the lease waits for the person');
    const [request] = await pending();
    assert.equal(request!.verified.user, agent.name);
    assert.equal(request!.verified.uid, agent.uid);
    assert.match(request!.verified.limited, /another user/);
    assert.ok(request!.verified.launcher.startsWith(`user ${agent.name} (uid ${agent.uid})`), request!.verified.launcher);
    // What the person reads at the terminal starts with the agent's user, too.
    assert.match((await store.cli(['requests', '--human'])).stdout, new RegExp(`bot wants deploy_token for 1h \\(user ${agent.name} \\(uid ${agent.uid}\\)`));
    assert.equal((await store.admin(['approve', request!.request_id, '--for', '10m'])).code, 0);
    const lease: CliResult = await leasing;
    assert.equal(lease.code, 0, lease.stderr);
    assert.equal(lease.json.data.value, VALUE);

    const project = join(work, 'project');
    mkdirSync(project, { mode: 0o755 });
    writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'deploy_token', env_var: 'DEPLOY_TOKEN' }] }));
    const ran = await asAgent(['exec', '--client-id', 'bot', '--', 'sh', '-c', `test "$DEPLOY_TOKEN" = '${VALUE}' && echo "same value: $DEPLOY_TOKEN"`], { cwd: project });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /same value: /);
    assert.doesNotMatch(ran.stdout, new RegExp(VALUE), 'exec masks the value in what the agent reads');
  });

  test("the agent reaches neither the owner's socket nor any file of the data dir", async () => {
    const files = ['', 'state.db', 'identity.age', 'config.json', 'daemon.sock'].map((name) => join(store.home, name));
    for (const user of [agent, outsider]) {
      const got = await attempts(user, Object.fromEntries([...files.map((path) => [path, `fs.readFileSync(${JSON.stringify(path)})`]), ['passphrase', `fs.readFileSync(${JSON.stringify(store.passphraseFile)})`], ['listing', `fs.readdirSync(${JSON.stringify(store.home)})`]]));
      for (const [what, outcome] of Object.entries(got)) assert.equal(outcome, 'EACCES', `${user.name}: ${what}`);
      const owner = await probe(user, store.socket, [['status', {}]]);
      assert.notEqual(owner.code, 0);
      assert.match(owner.stderr, /EACCES/);
    }
  });

  test('on the agent socket no admin method exists and no admin proof is taken; the store is intact', async () => {
    const proof = { nonce: 'n', mac: 'guess' };
    const admin = await probe(agent, agentSocket, [
      ['secrets.set', { name: 'deploy_token', value: 'attacker-value' }],
      ['secrets.remove', { name: 'deploy_token' }],
      ['requests.approve', { request_id: 'R-abcd1234', for: 'forever', scope: 'all' }],
      ['clients.allow', { client_id: 'bot' }],
      ['config.set', { patch: { max_lease_ttl: '100d' } }],
      ['killswitch.disengage', {}],
      ['audit.query', {}],
      ['requests.list', {}],
      ['clients.list', {}],
      ['status', {}, proof],
      ['lease.grant', { secret_name: 'deploy_token', client_id: 'bot' }, proof],
      ['killswitch.engage', { wipe: true }],
    ]);
    assert.equal(admin.code, 0, admin.stderr);
    const answers = JSON.parse(admin.stdout) as { error?: { data: { code: string; message: string } } }[];
    for (const answer of answers.slice(0, 9)) {
      assert.equal(answer.error?.data.code, 'METHOD_NOT_FOUND');
      assert.match(answer.error!.data.message, /does not exist on the agent socket/);
    }
    for (const answer of answers.slice(9, 11)) assert.match(answer.error?.data.message ?? '', /admin proof is not accepted on the agent socket/);
    assert.equal(answers[11]!.error?.data.code, 'DENIED');

    // Through the CLI it says the same, and who can do it.
    const add = await asAgent(['add', 'stolen'], { input: 'x' });
    assert.equal(add.code, 1);
    assert.match(add.stderr, /does not exist on the agent socket: it needs the store's owner/);

    const list = (await store.cli(['list', '--json'])).json.data.secrets as { name: string }[];
    assert.deepEqual(list.map((s) => s.name), ['deploy_token']);
    assert.equal((await store.cli(['status', '--json'])).json.data.killswitch.engaged, false);
    const again = await asAgent(['lease', 'deploy_token', '--client-id', 'bot', '--json']);
    assert.equal(again.json.data.value, VALUE, 'the value is unchanged');
    // The offered proofs are audited a burst at a time (agent-proof-audit.ts): the first at once.
    const denied = (await store.cli(['audit', '--action', 'admin.denied', '--json'])).json.data.entries as { detail: { reason: string; burst: string } }[];
    assert.deepEqual(denied.filter((e) => e.detail.reason === 'agent_socket').map((e) => e.detail.burst), ['started'], 'the offered proofs are audited');
  });

  test("the agent sees only its own leases and events, and cannot touch the person's", async () => {
    // A subscriber as the agent that then leases on the same connection (so the lease is its own
    // launcher's), and stays on a while after it: the person leases meanwhile.
    const calls = [['events.subscribe', {}], ['lease.grant', { secret_name: 'deploy_token', client_id: 'bot' }]];
    const listening = runNode([RAW_RPC, agentSocket, JSON.stringify(calls), '3000'], AGENT_ENV, { prefix: agent.prefix });
    // Its request waiting for the person shows it is subscribed (it subscribed first).
    const requestOf = async (clientId: string) => (await pending()).find((r) => r.client_id === clientId);
    assert.ok(await waitUntil(async () => (await requestOf('bot')) !== undefined, 20_000));

    const theirs = store.cli(['lease', 'deploy_token', '--client-id', 'person-tool', '--json']);
    assert.ok(await waitUntil(async () => (await requestOf('person-tool')) !== undefined, 20_000));
    assert.equal((await store.admin(['approve', (await requestOf('person-tool'))!.request_id])).code, 0);
    const personLease = (await theirs).json.data.lease_id as string;
    assert.equal((await store.admin(['approve', (await requestOf('bot'))!.request_id])).code, 0);
    const listened = await listening;
    assert.equal(listened.code, 0, listened.stderr);

    const { answers, notifications } = JSON.parse(listened.stdout) as { answers: { result: { lease_id: string } }[]; notifications: { method: string; params: any }[] };
    // Besides events, it was told that its own request waits for the person: about itself only.
    const told = notifications.filter((n) => n.method === APPROVAL_PENDING_NOTIFICATION);
    assert.deepEqual(told.map((n) => n.params.request.client_id), ['bot']);
    const events = notifications.filter((n) => n.method === EVENT_NOTIFICATION).map((n) => n.params as { type: string; data: { lease?: { lease_id: string; launcher: string } } });
    assert.ok(events.some((e) => e.type === 'lease.granted' && e.data.lease?.lease_id === answers[1]!.result.lease_id), 'its own lease is an event it sees');
    for (const event of events) {
      assert.match(event.type, /^lease\./, `an event about others or the daemon's state: ${event.type}`);
      assert.ok(event.data.lease!.launcher.startsWith(`user ${agent.name} `), JSON.stringify(event));
    }
    assert.ok(!listened.stdout.includes(personLease) && !listened.stdout.includes('person-tool'));

    const mine = (await asAgent(['leases', '--json'])).json.data.leases as { lease_id: string; client_id: string }[];
    assert.ok(mine.every((l) => l.client_id === 'bot') && !mine.some((l) => l.lease_id === personLease));
    const revoke = await asAgent(['revoke', personLease]);
    assert.equal(revoke.code, 3, revoke.stderr);
    assert.ok((await store.cli(['leases', '--json'])).json.data.leases.some((l: { lease_id: string }) => l.lease_id === personLease));
  });

  test("the agent can read neither the daemon's environment nor its memory, nor replace the agent socket", async () => {
    const pid = store.daemon!.child.pid!;
    const proc = await attempts(agent, {
      environ: `fs.readFileSync('/proc/${pid}/environ')`,
      mem: `fs.closeSync(fs.openSync('/proc/${pid}/mem', 'r'))`,
      maps: `fs.readFileSync('/proc/${pid}/maps')`,
      cwd: `fs.readlinkSync('/proc/${pid}/cwd')`,
    });
    for (const [what, outcome] of Object.entries(proc)) assert.equal(outcome, 'EACCES', what);

    const before = statSync(agentSocket).ino;
    const swap = await attempts(agent, {
      unlink: `fs.unlinkSync(${JSON.stringify(agentSocket)})`,
      rename: `fs.renameSync(${JSON.stringify(agentSocket)}, ${JSON.stringify(agentSocket + '.old')})`,
      plant: `fs.writeFileSync(${JSON.stringify(join(agentDir, 'agents.sock.new'))}, '')`,
      symlink: `fs.symlinkSync('/tmp/evil.sock', ${JSON.stringify(join(agentDir, 'evil'))})`,
    });
    for (const [what, outcome] of Object.entries(swap)) assert.equal(outcome, 'EACCES', what);
    assert.equal(statSync(agentSocket).ino, before);
    assert.equal((await asAgent(['health', '--json'])).code, 0, 'the socket still serves');
  });

  test('a container: the listed uid reaches the bind-mounted socket through AGENT_SECRETS_SOCKET; an unlisted uid is refused at connect', async () => {
    const inside = join(work, 'container-run');
    mkdirSync(inside, { mode: 0o755 });
    const target = join(inside, 'agent-secrets.sock');
    writeFileSync(target, '');
    // A private mount namespace with the host's socket bound in, then a bare uid with no host groups.
    const inContainer = (uid: number, args: string[]) =>
      runNode([CLI, ...args], { ...AGENT_ENV, AGENT_SECRETS_SOCKET: target }, {
        prefix: ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$1" "$2" && shift 2 && exec "$@"', 'sh', agentSocket, target, 'setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--'],
      });

    const listed = await inContainer(CONTAINER_UID, ['status', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.json.data.socket, agentSocket, 'the daemon names the socket as the host sees it');
    const stranger = await inContainer(STRANGER_UID, ['status', '--json']);
    assert.equal(stranger.code, 4, stranger.stderr);
    assert.match(stranger.stderr, new RegExp(`uid ${STRANGER_UID} may not use the agent socket`));
    // The refusal came from the daemon, which saw the stranger's uid: the mount alone let it in.
    assert.ok(statSync(agentSocket).mode & 0o002);
  });

  test('a client the person allowed from any launcher is still asked about when an agent user names it', async () => {
    assert.equal((await store.admin(['clients', 'allow', 'any-tool'])).code, 0);
    // The person's own program leases under that grant without a prompt...
    const own = await store.cli(['lease', 'deploy_token', '--client-id', 'any-tool', '--json']);
    assert.equal(own.code, 0, own.stderr);
    // ...an agent user borrowing the client id waits for the person, who refuses.
    const borrowing = asAgent(['lease', 'deploy_token', '--client-id', 'any-tool', '--json']);
    assert.ok(await waitUntil(async () => (await pending()).some((r) => r.client_id === 'any-tool'), 20_000), 'the agent is asked about, not granted');
    const [request] = (await pending()).filter((r) => r.client_id === 'any-tool');
    assert.equal(request!.verified.user, agent.name);
    assert.equal((await store.admin(['deny', request!.request_id])).code, 0);
    const refused = await borrowing;
    assert.equal(refused.code, 4, refused.stderr);
    assert.equal(refused.json?.data?.value, undefined);
  });

  test('the agent may pull the killswitch; only the person releases it', async () => {
    const engaged = await asAgent(['killswitch', '--reason', 'agent drill', '--json']);
    assert.equal(engaged.code, 0, engaged.stderr);
    assert.equal((await store.cli(['status', '--json'])).json.data.killswitch.engaged, true);
    const release = await asAgent(['killswitch', '--disengage']);
    assert.notEqual(release.code, 0);
    assert.match(release.stderr, /agent socket/);
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
  });

  test("with the person's daemon stopped, the agent is told to ask the person, not to start a daemon of its own", async () => {
    await store.daemon!.stop();
    const status = await asAgent(['status', '--json']);
    assert.equal(status.code, 69, status.stderr);
    assert.match(status.json.error.message, new RegExp(`not serving agents \\(no answer on the agent socket ${agentSocket}\\)`));
    assert.match(status.json.error.hint, /ask the person who owns the store/);
    const suggested = (status.json.next_actions as { command: string }[]).map((a) => a.command);
    assert.deepEqual(suggested, ['secrets status --json']);
  });
});
