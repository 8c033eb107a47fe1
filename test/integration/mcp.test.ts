/**
 * `secrets mcp` driven by the MCP SDK's own client, spawning `bin/secrets mcp` as an MCP client
 * would, against a real daemon: the tools it lists (the raw lease only when config.json allows it),
 * secrets_exec's masked output, exit code, bounds and stops (timeout, revocation, the killswitch),
 * leases that are the client's own, the client id from --client-id or the client's name, approvals
 * denied and asked for ahead of time — and no tool result ever holding a stored value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { alive, waitUntil } from '../helpers/processes.js';
import { CLI, type TestStore, startedStore } from '../helpers/store.js';

const TOKEN = 'ghp_McpIntegration0123456789';
const DB_URL = 'postgres://app:mcp-pa55word@db.internal/app';
const QUIET_VALUE = 'quiet-value-0123456789';
/** Too short to mask, so secrets_exec refuses it; the "!" is in no id, time or word a result holds. */
const PIN = 'p!9';
const STORED: Record<string, string> = { TOKEN, DB_URL, QUIET_VALUE, PIN };
const LONG_RUNNING = ['node', '-e', 'setInterval(() => {}, 1000)'];

type ToolResult = { isError?: boolean; content: { type: string; text: string }[] };

/** Every tool result any test got, but the opt-in raw lease's: none may hold a stored value. */
const results: { tool: string; result: ToolResult }[] = [];
/** Every server started: what it wrote to stderr (the MCP client's logs) may not hold one either. */
const sessions: Session[] = [];

interface Session {
  client: Client;
  call(tool: string, args?: Record<string, unknown>): Promise<{ result: ToolResult; body: any }>;
  close(): Promise<void>;
  stderr(): string;
}

/** Starts `secrets mcp` the way an MCP client does, and connects the SDK's client to it. */
async function connect(s: TestStore, args: string[], clientName = 'mcp-integration-test', cwd = project): Promise<Session> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], env: { PATH: process.env.PATH ?? '', ...s.env }, cwd, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(transport);
  const session: Session = {
    client,
    async call(tool, toolArgs = {}) {
      const result = (await client.callTool({ name: tool, arguments: toolArgs }, undefined, { timeout: 60_000 })) as ToolResult;
      if (tool !== 'secrets_lease') results.push({ tool, result });
      return { result, body: JSON.parse(result.content[0]!.text) };
    },
    close: () => client.close(),
    stderr: () => stderr,
  };
  sessions.push(session);
  return session;
}

/** A file's text, or '' while it does not exist yet. */
function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}


let store: TestStore;
let project: string;
let mcp: Session;

before(async () => {
  store = await startedStore({ config: { killswitch_grace: '1s' } });
  await store.admin(['add', 'github_token', '--description', 'GitHub token for the deploy'], { input: TOKEN });
  await store.admin(['add', 'db_url'], { input: DB_URL });
  await store.admin(['add', 'pin'], { input: PIN });
  project = mkdtempSync(join(tmpdir(), 'as-mcp-'));
  writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'github_token', env_var: 'GITHUB_TOKEN' }, { name: 'db_url', env_var: 'DATABASE_URL' }] }));
  mcp = await connect(store, ['--client-id', 'mcp-test']);
});

after(async () => {
  await mcp?.close();
  rmSync(project, { recursive: true, force: true });
  await store.cleanup();
});

describe('tools', () => {
  test('the tools it lists; no raw lease unless config.json enables it', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['secrets_exec', 'secrets_killswitch', 'secrets_leases', 'secrets_list', 'secrets_request', 'secrets_revoke', 'secrets_status']);
    const exec = tools.find((t) => t.name === 'secrets_exec')!;
    assert.match(exec.description!, /masked/);
    assert.deepEqual((exec.inputSchema as { required?: string[] }).required, ['command']);
  });

  test('with "mcp": {"allow_raw_lease": true}, secrets_lease exists and says the value enters the transcript', async () => {
    writeFileSync(join(store.home, 'config.json'), JSON.stringify({ killswitch_grace: '1s', mcp: { allow_raw_lease: true } }));
    const raw = await connect(store, ['--client-id', 'mcp-raw']);
    try {
      const lease = (await raw.client.listTools()).tools.find((t) => t.name === 'secrets_lease');
      assert.ok(lease, 'secrets_lease is listed');
      assert.match(lease.description!, /enters the model's context and the conversation's transcript/);
      const { result, body } = await raw.call('secrets_lease', { secret_name: 'github_token', ttl: '5m' });
      assert.ok(!result.isError);
      assert.equal(body.value, TOKEN);
      assert.equal(body.client_id, 'mcp-raw');
      const revoked = await raw.call('secrets_revoke', { lease_id: body.lease_id });
      assert.deepEqual(revoked.body.revoked, [body.lease_id]);
    } finally {
      await raw.close();
      writeFileSync(join(store.home, 'config.json'), JSON.stringify({ killswitch_grace: '1s' }));
    }
  });

  test('secrets_list: names and descriptions only; secrets_status names the client id', async () => {
    const { body } = await mcp.call('secrets_list');
    assert.deepEqual(body.secrets, [
      { name: 'db_url', description: null },
      { name: 'github_token', description: 'GitHub token for the deploy' },
      { name: 'pin', description: null },
    ]);
    const status = (await mcp.call('secrets_status')).body;
    assert.equal(status.killswitch.engaged, false);
    assert.deepEqual(status.mcp, { client_id: 'mcp-test', raw_lease: false });
  });
});

describe('secrets_exec', () => {
  test('the secret reaches the command and comes back masked (raw, base64, hex), with the exit code', async () => {
    const script = 'const t = process.env.GITHUB_TOKEN; console.log("token=" + t); console.error(Buffer.from(t).toString("base64")); console.log(Buffer.from(process.env.DATABASE_URL).toString("hex")); process.exit(3)';
    const { result, body } = await mcp.call('secrets_exec', { command: ['node', '-e', script] });
    assert.ok(!result.isError, result.content[0]!.text);
    assert.equal(body.exit_code, 3);
    assert.equal(body.stdout, 'token=<secret:github_token>\n<secret:db_url>\n');
    assert.equal(body.stderr, '<secret:github_token>\n');
    assert.deepEqual(body.secrets, ['github_token', 'db_url']);
    assert.equal(body.client_id, 'mcp-test');
    assert.equal((await store.cli(['leases', '--client', 'mcp-test'])).json.data.leases.length, 0, 'its leases ended with it');
  });

  test('named secrets instead of .secrets.json, in another directory, env var from the name', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'as-mcp-cwd-'));
    try {
      const { body } = await mcp.call('secrets_exec', { command: ['node', '-e', 'console.log(process.cwd(), process.env.GITHUB_TOKEN, process.env.DATABASE_URL ?? "none")'], cwd: elsewhere, secrets: [{ name: 'github_token' }] });
      assert.equal(body.exit_code, 0);
      assert.equal(body.stdout, `${elsewhere} <secret:github_token> none\n`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('output is bounded: the start and the end, and how much was left out', async () => {
    const { body } = await mcp.call('secrets_exec', { command: ['node', '-e', 'process.stdout.write("a".repeat(100000) + process.env.GITHUB_TOKEN + "b".repeat(100000))'] });
    assert.equal(body.stdout_truncated, true);
    assert.equal(body.stdout_bytes, 200000 + '<secret:github_token>'.length);
    assert.ok(body.stdout.length < 70 * 1024);
    assert.match(body.stdout, /^a+\n\[… \d+ bytes of output left out …\]\nb+$/);
  });

  test('a command that outlives its timeout is stopped, and the result says so', async () => {
    const started = Date.now();
    const { result, body } = await mcp.call('secrets_exec', { command: LONG_RUNNING, timeout_s: 1 });
    assert.equal(result.isError, true);
    assert.equal(body.error.code, 'TIMEOUT');
    assert.match(body.error.message, /timeout of 1s/);
    assert.ok(Date.now() - started < 15_000);
  });

  test("errors are the CLI's: code, message, hint and next_actions", async () => {
    const unknown = await mcp.call('secrets_exec', { command: ['true'], secrets: [{ name: 'nope' }] });
    assert.equal(unknown.result.isError, true);
    assert.equal(unknown.body.error.code, 'SECRET_NOT_FOUND');
    assert.match(unknown.body.error.message, /secret "nope" not found/);
    assert.ok(unknown.body.error.hint);
    assert.ok(unknown.body.next_actions.some((a: { command: string }) => a.command === 'secrets list'));
    const empty = mkdtempSync(join(tmpdir(), 'as-mcp-empty-'));
    try {
      assert.equal((await mcp.call('secrets_exec', { command: ['true'], cwd: empty })).body.error.code, 'PROJECT_NOT_FOUND');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    assert.equal((await mcp.call('secrets_exec', { command: ['true'], cwd: 'relative/dir' })).body.error.code, 'USAGE');
    const missing = await mcp.call('secrets_exec', { command: ['definitely-not-a-command-xyz'] });
    assert.equal(missing.body.error.code, 'USAGE');
    assert.match(missing.body.error.message, /ENOENT/);
  });

  test("an unknown secret: the tool error is the CLI's --json envelope for the same failure, next_actions and all", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-mcp-nope-'));
    try {
      writeFileSync(join(dir, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'nope', env_var: 'NOPE' }], client_id: 'mcp-test' }));
      const cli = await store.cli(['exec', '--json', '--', 'true'], { cwd: dir });
      const tool = await mcp.call('secrets_exec', { command: ['true'], cwd: dir });
      assert.equal(tool.result.isError, true);
      assert.equal(cli.json.ok, false);
      assert.deepEqual({ error: tool.body.error, next_actions: tool.body.next_actions }, { error: cli.json.error, next_actions: cli.json.next_actions });
      assert.ok(tool.body.next_actions.some((a: { command: string }) => a.command === 'secrets add nope'), 'the hint names the command that adds it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a value too short to mask: a tool error INVALID_VALUE naming the secret, the command not run, no lease left', async () => {
    const { result, body } = await mcp.call('secrets_exec', { command: ['node', '-e', 'console.log("pin=" + process.env.PIN)'], secrets: [{ name: 'github_token' }, { name: 'pin' }] });
    assert.equal(result.isError, true);
    assert.equal(body.error.code, 'INVALID_VALUE');
    assert.match(body.error.message, /"pin" is shorter than 4 characters/);
    assert.match(body.error.hint, /secrets set pin/);
    assert.equal(body.stdout, undefined, 'nothing ran, so there is no output');
    assert.equal((await store.cli(['leases', '--client', 'mcp-test'])).json.data.leases.length, 0, 'its leases were revoked');
  });
});

/** Starts a long secrets_exec and waits until both its leases are active (the call, wrapped: awaiting it would wait for the command). */
async function longExec(session: Session, clientId: string): Promise<{ running: ReturnType<Session['call']> }> {
  const running = session.call('secrets_exec', { command: LONG_RUNNING, timeout_s: 60 });
  assert.ok(await waitUntil(async () => (await store.cli(['leases', '--client', clientId])).json.data.leases.length === 2, 20_000), 'the command holds its leases');
  // It registers its group right after starting: give a busy machine room for that.
  await new Promise((r) => setTimeout(r, 1000));
  return { running };
}

describe('leases and revocation', () => {
  test("secrets_leases and secrets_revoke see only this client's leases; the launcher is the agent, not secrets mcp", async () => {
    const other = await store.cli(['lease', 'github_token', '--client-id', 'other-client', '--json']);
    assert.equal(other.code, 0, other.stderr);
    const otherId = other.json.data.lease_id as string;
    const { running } = await longExec(mcp, 'mcp-test');
    const mine = (await mcp.call('secrets_leases')).body.leases as { lease_id: string; client_id: string }[];
    assert.equal(mine.length, 2);
    assert.ok(mine.every((l) => l.client_id === 'mcp-test'));
    // The same verified launcher (this test file's node) took both: secrets mcp itself is skipped like the CLI.
    const launchers = (await store.cli(['leases'])).json.data.leases.map((l: { launcher: string }) => l.launcher);
    assert.equal(launchers.length, 3);
    assert.equal(new Set(launchers).size, 1);
    assert.doesNotMatch(launchers[0], /secrets/);

    const refused = await mcp.call('secrets_revoke', { lease_id: otherId });
    assert.equal(refused.body.error.code, 'LEASE_NOT_FOUND');
    const revoked = await mcp.call('secrets_revoke', { all: true });
    assert.deepEqual([...revoked.body.revoked].sort(), mine.map((l) => l.lease_id).sort());
    const { result, body } = await running;
    assert.equal(result.isError, true);
    assert.equal(body.error.code, 'LEASE_REVOKED');
    assert.match(body.error.message, /the command was stopped: lease L-\S+ of \S+ was revoked/);
    assert.deepEqual((await store.cli(['leases', '--client', 'other-client'])).json.data.leases.map((l: { lease_id: string }) => l.lease_id), [otherId]);
    await store.cli(['revoke', otherId]);
  });

  test('the killswitch, engaged by another client, ends a running secrets_exec promptly and says so', async () => {
    const { running } = await longExec(mcp, 'mcp-test');
    const engaged = Date.now();
    assert.equal((await store.cli(['killswitch', '--reason', 'mcp drill'])).json.data.terminated_process_groups, 1);
    const { result, body } = await running;
    assert.ok(Date.now() - engaged < 10_000, 'promptly');
    assert.equal(result.isError, true);
    assert.equal(body.error.code, 'KILLSWITCH_ENGAGED');
    assert.match(body.error.message, /the command was stopped: .*killswitch.* mcp drill/);
    assert.match(body.error.hint, /disengage/);
    const refused = await mcp.call('secrets_exec', { command: ['true'] });
    assert.equal(refused.body.error.code, 'KILLSWITCH_ENGAGED');
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
  });

  test('secrets_killswitch engages it (and cannot disengage it)', async () => {
    const { body } = await mcp.call('secrets_killswitch', { reason: 'tool drill' });
    assert.equal(body.engaged, true);
    const status = (await store.cli(['status'])).json.data;
    assert.equal(status.killswitch.engaged, true);
    assert.equal(status.killswitch.reason, 'tool drill');
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
  });
});

describe('the client going away', () => {
  test('stops its running commands and revokes their leases', async () => {
    const session = await connect(store, ['--client-id', 'mcp-leaving']);
    const pidFile = join(project, '..', `${project.split('/').pop()}.mcp-pid`);
    try {
      const running = session.call('secrets_exec', { command: ['node', '-e', `require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`] });
      running.catch(() => {});
      let pid = 0;
      assert.ok(await waitUntil(() => (pid = Number(readFileSafe(pidFile))) > 0, 20_000), 'the command started');
      assert.ok(await waitUntil(async () => (await store.cli(['leases', '--client', 'mcp-leaving'])).json.data.leases.length === 2, 20_000));
      await session.close();
      assert.ok(await waitUntil(() => !alive(pid), 15_000), 'the command is gone');
      assert.ok(await waitUntil(async () => (await store.cli(['leases', '--client', 'mcp-leaving'])).json.data.leases.length === 0, 15_000), 'its leases are revoked');
    } finally {
      rmSync(pidFile, { force: true });
    }
  });
});

describe('client identity', () => {
  test("without --client-id, the client id is the MCP client's name, made a valid id", async () => {
    const named = await connect(store, [], 'Claude Code/2.1');
    try {
      assert.equal((await named.call('secrets_status')).body.mcp.client_id, 'Claude-Code-2.1');
      assert.equal((await named.call('secrets_exec', { command: ['true'] })).body.client_id, 'Claude-Code-2.1');
      const granted = (await store.cli(['audit', '--action', 'lease.granted', '--client', 'Claude-Code-2.1'])).json.data.entries;
      assert.equal(granted.length, 2);
    } finally {
      await named.close();
    }
  });
});

describe('approvals', () => {
  let quiet: TestStore;
  before(async () => {
    quiet = await startedStore({ autoApprove: false });
    await quiet.admin(['add', 'quiet_secret'], { input: QUIET_VALUE });
  });
  after(() => quiet.cleanup());

  const waitForRequest = async (clientId: string) => {
    let found: { request_id: string; client_id: string; secret_names: string[]; ttl: string } | undefined;
    await waitUntil(async () => (found = (await quiet.cli(['requests'])).json.data.requests.find((r: { client_id: string }) => r.client_id === clientId)) !== undefined, 20_000);
    assert.ok(found, `a request from ${clientId}`);
    return found;
  };

  test('a denied approval is a tool error DENIED with a hint', async () => {
    const session = await connect(quiet, ['--client-id', 'mcp-denied']);
    try {
      const running = session.call('secrets_exec', { command: ['true'], secrets: [{ name: 'quiet_secret' }] });
      const request = await waitForRequest('mcp-denied');
      assert.equal((await quiet.admin(['deny', request.request_id])).code, 0);
      const { result, body } = await running;
      assert.equal(result.isError, true);
      assert.equal(body.error.code, 'DENIED');
      assert.match(body.error.message, /denied client "mcp-denied"/);
      assert.match(body.error.hint, /ask the person/);
      assert.match(session.stderr(), /waiting for the person to approve: R-/);
    } finally {
      await session.close();
    }
  });

  test('secrets_request leads to a grant, so the following secrets_exec does not ask', async () => {
    const session = await connect(quiet, ['--client-id', 'mcp-ahead']);
    try {
      const asked = session.call('secrets_request', { secrets: [{ name: 'quiet_secret' }], ttl: '30m' });
      const request = await waitForRequest('mcp-ahead');
      assert.deepEqual(request.secret_names, ['quiet_secret']);
      assert.equal(request.ttl, '30m');
      assert.equal((await quiet.admin(['approve', request.request_id, '--for', '1h'])).code, 0);
      const { result, body } = await asked;
      assert.ok(!result.isError, result.content[0]!.text);
      assert.equal(body.approved, true);
      assert.ok(body.grant?.grant_id, 'a grant covers it');
      assert.match(body.note, /runs without asking/);
      assert.equal((await quiet.cli(['leases', '--client', 'mcp-ahead'])).json.data.leases.length, 0, 'the leases taken to ask are gone');

      const ran = await session.call('secrets_exec', { command: ['node', '-e', 'console.log(process.env.QUIET_SECRET)'], secrets: [{ name: 'quiet_secret' }] });
      assert.equal(ran.body.exit_code, 0, ran.result.content[0]!.text);
      assert.equal(ran.body.stdout, '<secret:quiet_secret>\n');
      const requested = (await quiet.cli(['audit', '--action', 'approval.requested', '--client', 'mcp-ahead'])).json.data.entries;
      assert.equal(requested.length, 1, 'asked once, ahead of time');
    } finally {
      await session.close();
    }
  });
});

const storedForms = (value: string) => [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex'), JSON.stringify(value).slice(1, -1)];

test('no tool result ever held a stored value (raw, base64, hex, JSON-escaped)', () => {
  assert.ok(results.length > 20);
  for (const { tool, result } of results) {
    const json = JSON.stringify(result);
    const text = result.content.map((c) => c.text).join('\n');
    for (const [name, value] of Object.entries(STORED)) {
      for (const form of storedForms(value)) {
        assert.ok(!json.includes(form) && !text.includes(form), `a ${tool} result holds ${name}`);
      }
    }
  }
});

test("no server's stderr ever held a stored value", () => {
  assert.ok(sessions.length > 5);
  assert.ok(sessions.some((s) => s.stderr().length > 0), 'some server wrote to stderr');
  for (const session of sessions) {
    for (const [name, value] of Object.entries(STORED)) {
      for (const form of storedForms(value)) assert.ok(!session.stderr().includes(form), `a server's stderr holds ${name}`);
    }
  }
});
