/**
 * `secrets exec`: the project's secrets leased as one request, in the child's environment only,
 * masked in its output, its exit code passed on, its access ended with it — and when access ends
 * first (revoked, expired), the child is stopped and exec exits 79.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoPlaintext } from '../helpers/plaintext.js';
import { waitUntil } from '../helpers/processes.js';
import { CLI, type TestStore, startedStore } from '../helpers/store.js';

/** A file's text, or '' while it does not exist yet. */
function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const TOKEN = 'ghp_ExecIntegration0123456789';
const DB_URL = 'postgres://app:pa55word@db.internal/app';

let store: TestStore;
let project: string;
const exec = (args: string[], env: Record<string, string> = {}) => store.cli(['exec', ...args], { cwd: project, env });

before(async () => {
  store = await startedStore({ config: { killswitch_grace: '1s' } });
  await store.admin(['add', 'github_token'], { input: TOKEN });
  await store.admin(['add', 'db_url'], { input: DB_URL });
  project = mkdtempSync(join(tmpdir(), 'as-project-'));
  writeFileSync(
    join(project, '.secrets.json'),
    JSON.stringify({ secrets: [{ name: 'github_token', env_var: 'GITHUB_TOKEN' }, { name: 'db_url', env_var: 'DATABASE_URL', ttl: '30m' }], client_id: 'exec-project' }),
  );
});
after(async () => {
  rmSync(project, { recursive: true, force: true });
  await store.cleanup();
});

describe('running a command', () => {
  test('values reach the child, masked in stdout and stderr (also base64 and URL-encoded); the exit code passes on', async () => {
    const script = 'echo "t=$GITHUB_TOKEN db=$DATABASE_URL"; printf %s "$GITHUB_TOKEN" | base64 >&2; node -e "console.log(encodeURIComponent(process.env.DATABASE_URL))"; exit 7';
    const result = await exec(['--', 'sh', '-c', script]);
    assert.equal(result.code, 7);
    assert.equal(result.stdout, 't=<secret:github_token> db=<secret:db_url>\n<secret:db_url>\n');
    assert.ok(result.stderr.includes('<secret:github_token>'));
    assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN));
  });

  test('--no-mask shows the values; nothing is written to disk', async () => {
    const result = await exec(['--no-mask', '--', 'sh', '-c', 'echo "$GITHUB_TOKEN"']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${TOKEN}\n`);
    assert.deepEqual(readdirSync(project), ['.secrets.json']);
  });

  test('a child killed by a signal gives 128 + the signal', async () => {
    assert.equal((await exec(['--', 'sh', '-c', 'kill -9 $$'])).code, 137);
  });

  test('its leases end when it does, and they were one client with the project client id', async () => {
    await exec(['--', 'true']);
    assert.equal((await store.cli(['leases', '--client', 'exec-project'])).json.data.leases.length, 0);
    const revoked = (await store.cli(['audit', '--action', 'lease.revoked', '--client', 'exec-project', '--tail', '2'])).json.data.entries;
    assert.deepEqual(revoked.map((e: { secret_name: string }) => e.secret_name).sort(), ['db_url', 'github_token']);
  });

  test('SIGTERM to exec reaches the child, which may exit on its own terms', async () => {
    const child = spawn(process.execPath, [CLI, 'exec', '--', 'sh', '-c', 'trap "echo got-term; exit 3" TERM; echo ready; sleep 30 & wait'], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', ...store.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    // Signalled once the command runs with its trap set (a fixed wait lost the race on a busy machine).
    for (const deadline = Date.now() + 20_000; !out.includes('ready') && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(out, 'ready\ngot-term\n');
    assert.equal(code, 3);
  });
});

describe('when access ends first', () => {
  test('revoking a lease stops the command: exit 79 and the reason on stderr', async () => {
    const running = exec(['--', 'sh', '-c', 'trap "" TERM; sleep 30']);
    let leases: { lease_id: string }[] = [];
    for (let i = 0; i < 100 && leases.length < 2; i++) {
      leases = (await store.cli(['leases', '--client', 'exec-project'])).json.data.leases;
      if (leases.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    // exec registers the command's group right after starting it: give a busy machine room for that.
    await new Promise((r) => setTimeout(r, 1000));
    await store.cli(['revoke', leases[0]!.lease_id]);
    const result = await running;
    assert.equal(result.code, 79);
    assert.match(result.stderr, /the command was stopped: lease L-\S+ of \S+ was revoked/);
    // Someone ended its access on purpose: the hint must not invite running it again unasked.
    assert.match(result.stderr, /secrets: hint: do not run it again on your own: tell the person/);
  });

  test('a grandchild is stopped with the child: the whole process group goes', async () => {
    const marker = join(project, '..', `${project.split('/').pop()}.grandchild`);
    const running = exec(['--', 'sh', '-c', `sh -c 'trap "" TERM; echo $$ > ${marker}; sleep 30' & wait`]);
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      try {
        pid = Number(readFileSync(marker, 'utf8'));
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const leases = (await store.cli(['leases', '--client', 'exec-project'])).json.data.leases as { lease_id: string }[];
    await store.cli(['revoke', '--client', 'exec-project']);
    assert.equal((await running).code, 79);
    assert.ok(leases.length === 2);
    assert.throws(() => process.kill(pid, 0), 'the grandchild that ignored SIGTERM is gone');
    rmSync(marker, { force: true });
  });

  test('the killswitch stops the command: exit 79 naming it', async () => {
    const running = exec(['--', 'sh', '-c', 'trap "" TERM; sleep 30']);
    for (let i = 0; i < 100 && (await store.cli(['leases', '--client', 'exec-project'])).json.data.leases.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await store.cli(['killswitch', '--reason', 'exec drill'])).json.data.terminated_process_groups, 1);
    const result = await running;
    assert.equal(result.code, 79);
    assert.match(result.stderr, /killswitch: exec drill/);
    assert.equal((await store.admin(['killswitch', '--disengage'])).code, 0);
  });

  test('a lease that expires stops the command too', async () => {
    const result = await exec(['--ttl', '2s', '--', 'sleep', '30']);
    assert.equal(result.code, 79);
    assert.match(result.stderr, /expired/);
  });
});

describe('isolation and approval', () => {
  test("values are in the command's environment, not in exec's own start environment, and in no file", async () => {
    const marker = join(project, '..', `${project.split('/').pop()}.pid`);
    const exec = spawn(process.execPath, [CLI, 'exec', '--', 'sh', '-c', `echo $$ > ${marker}; exec sleep 30`], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '', ...store.env },
      stdio: 'ignore',
    });
    const closed = new Promise((r) => exec.on('close', r));
    try {
      let pid = 0;
      assert.ok(await waitUntil(() => (pid = Number(readFileSafe(marker))) > 0), 'the command started');
      // What the kernel holds as the command's environment (execve's envp), not what anyone printed.
      const environ = readFileSync(`/proc/${pid}/environ`).toString('utf8').split('\0');
      assert.ok(environ.includes(`GITHUB_TOKEN=${TOKEN}`), 'the command has the token');
      assert.ok(environ.includes(`DATABASE_URL=${DB_URL}`), 'and the database URL');
      const own = readFileSync(`/proc/${exec.pid}/environ`);
      assert.ok(!own.includes(Buffer.from(TOKEN)) && !own.includes(Buffer.from(DB_URL)), 'exec was not started with them');
      assert.deepEqual(readdirSync(project), ['.secrets.json'], 'nothing written to the project');
      assertNoPlaintext(store.home, { TOKEN, DB_URL });
    } finally {
      exec.kill('SIGTERM');
      await closed;
      rmSync(marker, { force: true });
    }
  });

  test('three secrets of a new client are one approval request', async () => {
    const quiet = await startedStore({ autoApprove: false });
    const dir = mkdtempSync(join(tmpdir(), 'as-three-'));
    try {
      for (const name of ['one', 'two', 'three']) await quiet.admin(['add', name], { input: `value-of-${name}` });
      writeFileSync(join(dir, '.secrets.json'), JSON.stringify({ secrets: ['one', 'two', 'three'].map((name) => ({ name, env_var: name.toUpperCase() })), client_id: 'trio' }));
      const running = quiet.cli(['exec', '--', 'sh', '-c', 'echo "$ONE $TWO $THREE"'], { cwd: dir });
      let requests: { request_id: string; secret_names: string[] }[] = [];
      for (let i = 0; i < 100 && requests.length === 0; i++) {
        requests = (await quiet.cli(['requests'])).json.data.requests;
        if (requests.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(requests.length, 1);
      assert.deepEqual(requests[0]!.secret_names, ['one', 'two', 'three']);
      await quiet.admin(['approve', requests[0]!.request_id]);
      const result = await running;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, '<secret:one> <secret:two> <secret:three>\n');
      assert.match(result.stderr, /waiting for approval/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await quiet.cleanup();
    }
  });
});

describe('errors before anything is leased', () => {
  test('no .secrets.json: exit 3 saying where it looked', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'as-empty-'));
    try {
      const result = await store.cli(['exec', '--', 'true'], { cwd: empty });
      assert.equal(result.code, 3);
      assert.match(result.stderr, /no \.secrets\.json in/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('an invalid or unknown entry: a clear error, no lease, no request', async () => {
    const other = mkdtempSync(join(tmpdir(), 'as-bad-'));
    try {
      writeFileSync(join(other, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'github_token', env_var: 'BAD-NAME' }] }));
      const invalid = await store.cli(['exec', '--', 'true'], { cwd: other });
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /secrets\[0\]\.env_var/);
      writeFileSync(join(other, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'nope', env_var: 'NOPE' }], client_id: 'bad-project' }));
      const unknown = await store.cli(['exec', '--', 'true'], { cwd: other });
      assert.equal(unknown.code, 3);
      assert.match(unknown.stderr, /secret "nope" not found/);
      assert.equal((await store.cli(['audit', '--client', 'bad-project'])).json.data.entries.length, 0);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('a command that cannot start is a usage error', async () => {
    const result = await exec(['--', 'definitely-not-a-command-xyz']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot run "definitely-not-a-command-xyz": ENOENT/);
  });
});

describe('a value too short to mask', () => {
  // A "!" that no id, time or word in the output holds, so finding it means the value leaked.
  const PIN = 'p!9';

  test('add and set store it but warn that exec will refuse it', async () => {
    const added = await store.admin(['add', 'short_one'], { input: PIN });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /secrets: warning: short_one is shorter than 4 characters: secrets exec will refuse/);
    assert.equal(added.json.data.warnings.length, 1);
    const set = await store.admin(['set', 'short_one'], { input: PIN });
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /secrets: warning: short_one is shorter than 4 characters/);
    const long = await store.admin(['set', 'db_url'], { input: DB_URL });
    assert.ok(!long.stderr.includes('warning') && long.json.data.warnings === undefined, 'no warning for a value it can mask');
  });

  test('exec refuses to run with it: exit 2 INVALID_VALUE naming the secret, the command never started, its leases revoked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'as-short-'));
    const marker = join(dir, 'ran');
    try {
      assert.equal((await store.admin(['add', 'pin'], { input: PIN })).code, 0);
      writeFileSync(join(dir, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'github_token', env_var: 'GITHUB_TOKEN' }, { name: 'pin', env_var: 'PIN' }], client_id: 'short-project' }));
      const result = await store.cli(['exec', '--', 'sh', '-c', `touch ${marker}; echo "pin=$PIN"`], { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.json.error.code, 'INVALID_VALUE');
      assert.match(result.json.error.message, /"pin" is shorter than 4 characters/);
      assert.match(result.json.error.hint, /secrets set pin/);
      assert.ok(!result.json.error.message.includes('github_token'), 'only the short one is named');
      assert.ok(!result.stdout.includes(PIN) && !result.stderr.includes(PIN), 'the value is not shown');
      assert.throws(() => readFileSync(marker), 'the command did not run');
      assert.equal((await store.cli(['leases', '--client', 'short-project'])).json.data.leases.length, 0, 'nothing left active');
      const revoked = (await store.cli(['audit', '--action', 'lease.revoked', '--client', 'short-project'])).json.data.entries;
      assert.deepEqual(revoked.map((e: { secret_name: string }) => e.secret_name).sort(), ['github_token', 'pin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
