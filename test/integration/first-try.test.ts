/**
 * First-try success: a scripted agent that knows only `secrets --help` gets from "daemon not running"
 * to a secret used through `exec`, then takes a lease and revokes exactly that lease, following
 * nothing but the commands the responses suggest (next_actions, hints, help examples). The person it
 * hands over to does the same, adding only what is theirs: the passphrase file and the secret's value.
 * Every command either runs is checked against what earlier responses said; a step that needs
 * knowledge no response gave fails the test, and that is where the CLI needs fixing. A placeholder
 * counts only where the response could not have known the value: one left in place of an id or name
 * the response itself held (or was given) fails too.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI } from '../helpers/store.js';
import { shellWords } from '../helpers/suggested.js';

const SECRET_VALUE = 'ghp_firstTry0123456789abcdefABCDEF';
const CLIENT_ID = 'first-try-agent';
const TASK = ['node', 'check.cjs'];

interface Response {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Commands the response suggests, with what it says about each. */
  actions: { command: string; description: string; dangerous?: boolean }[];
  /** The envelope's data, when stdout is one. */
  data: any;
  /** What the CLI knew when it answered: the words it was given and every string in its data. */
  known: Set<string>;
}

const root = mkdtempSync(join(tmpdir(), 'as-first-'));
const home = join(root, 'home');
const project = join(root, 'project');
const passphraseFile = join(root, 'passphrase');
after(async () => {
  await run(['killswitch', '--reason', 'test over'], {}).catch(() => {});
  await stopDaemon();
  rmSync(root, { recursive: true, force: true });
});

/** The commands a line of text names: after a colon, a comma, "or" or a gap, up to punctuation. */
function commandsIn(text: string): { command: string; description: string }[] {
  const found = [];
  for (const m of text.matchAll(/(?:^|[:,]\s*|\bor\s+|\s{2})(secrets [^;,()[\]]*?)(?=\s{2}|[;,()]|:\s|\s+or\s|$)/gm)) found.push({ command: m[1]!.trim(), description: text });
  return found;
}

/** Runs the CLI as an agent runs it (no terminal), streaming stderr lines to `onLine`. */
function run(argv: string[], options: { input?: string; cwd?: string; onLine?: (line: string) => void }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...argv], {
      env: { PATH: process.env.PATH ?? '', AGENT_SECRETS_HOME: home, AGENT_SECRETS_LOG_LEVEL: 'warn' },
      cwd: options.cwd ?? root,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      const before = stderr.split('\n').length - 1;
      stderr += c.toString();
      stderr.split('\n').slice(before, -1).forEach((line) => options.onLine?.(line));
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const data = envelopeOf(stdout)?.data;
      resolve({ code, stdout, stderr, actions: actionsOf(stdout, stderr), data, known: new Set([...argv, ...stringsIn(data)]) });
    });
    child.stdin.end(options.input ?? '');
  });
}

function envelopeOf(stdout: string): { data?: unknown } | undefined {
  try {
    return JSON.parse(stdout) as { data?: unknown };
  } catch {
    return undefined;
  }
}

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringsIn);
}

function actionsOf(stdout: string, stderr: string): Response['actions'] {
  const actions: Response['actions'] = [];
  for (const line of stdout.split('\n')) {
    try {
      const envelope = JSON.parse(line) as { next_actions?: { command: string; description: string }[] };
      actions.push(...(envelope.next_actions ?? []));
    } catch {
      // Help text (or a command's own output): its examples and the forms it names are suggestions too.
      const example = /^example: (.*)$/.exec(line)?.[1];
      if (example) actions.push({ command: example, description: 'example' });
      else actions.push(...commandsIn(line));
    }
  }
  for (const line of stderr.split('\n')) {
    const hint = /^secrets: hint: (.*)$/.exec(line)?.[1];
    if (hint) actions.push(...commandsIn(hint));
  }
  return actions;
}

/** A suggested command, and what the response that suggested it knew. */
interface Suggestion {
  words: string[];
  known: Set<string>;
}

/** Everything the responses have suggested so far, and what they taught (the passphrase flag). */
const suggested: Suggestion[] = [];
let passphraseFlagTaught = false;
const transcript: string[] = [];

function learn(response: Response): void {
  for (const a of response.actions) suggested.push({ words: shellWords(a.command), known: response.known });
  if (/--passphrase-file F/.test(response.stdout + response.stderr)) passphraseFlagTaught = true;
}

/**
 * Whether `argv` is a suggested command, with an example's or a placeholder's values replaced by the
 * caller's own (client id, task command, passphrase file), plus `--passphrase-file` once taught.
 */
function wasSuggested(argv: string[]): boolean {
  const own = ['secrets', ...argv];
  const base = passphraseFlagTaught && own.at(-2) === '--passphrase-file' && own.at(-1) === passphraseFile ? own.slice(0, -2) : own;
  return suggested.some((s) => sameShape(s, base) || sameShape(s, own));
}

/**
 * The caller's command is the suggestion with its own values put in: its client id for an example's, the
 * command after `--`, and an UPPERCASE placeholder — but only for a value the suggesting response did
 * not know (it should have written that one in).
 */
function sameShape({ words, known }: Suggestion, own: string[]): boolean {
  const dashes = words.indexOf('--');
  if (dashes !== -1) return own.indexOf('--') !== -1 && sameShape({ words: words.slice(0, dashes), known }, own.slice(0, own.indexOf('--')));
  if (words.length !== own.length) return false;
  return words.every((word, i) => word === own[i] || (words[i - 1] === '--client-id' && own[i] === CLIENT_ID) || (/^[A-Z_]+$/.test(word) && !known.has(own[i]!)));
}

/**
 * The agent's copy of a suggestion: its own client id after --client-id, and a placeholder filled from
 * what it knows (`values`, e.g. a lease id it read) — which `wasSuggested` accepts only if the response
 * had no way to know it.
 */
function fillIn(command: string, values: Record<string, string> = {}): string[] {
  const words = shellWords(command).slice(1);
  return words.map((word, i) => (words[i - 1] === '--client-id' ? CLIENT_ID : (values[word] ?? word)));
}

async function say(who: 'agent' | 'person', argv: string[], options: Parameters<typeof run>[1] = {}): Promise<Response> {
  assert.ok(transcript.length < 40, 'the transcript goes in circles');
  assert.ok(wasSuggested(argv), `${who} runs "secrets ${argv.join(' ')}", which no response suggested:\n${transcript.join('\n')}`);
  const response = await run(argv, options);
  transcript.push(`${who}$ secrets ${argv.join(' ')}  → exit ${response.code}`);
  learn(response);
  return response;
}

/** What the person does with a command an agent handed over: run it; a passphrase is theirs to add. */
async function personRuns(command: string, depth = 0): Promise<Response> {
  assert.ok(depth < 4, `the person is stuck on ${command}`);
  const argv = shellWords(command).slice(1);
  const input = argv[0] === 'add' ? SECRET_VALUE : undefined;
  let response = await say('person', argv, { input });
  if (response.code !== 0 && /--passphrase-file F/.test(response.stderr) && !argv.includes('--passphrase-file')) {
    response = await say('person', [...argv, '--passphrase-file', passphraseFile], { input });
  }
  if (response.code === 0) return response;
  // Something has to happen first (a store before a daemon): the person follows the response.
  const first = forThePerson(response)[0];
  assert.ok(first, `nothing tells the person what to do after: ${response.stderr}`);
  await personRuns(first.command, depth + 1);
  return personRuns(command, depth + 1);
}

/** The actions a response addresses to the person (or the store owner). */
const forThePerson = (r: Response) => r.actions.filter((a) => /\b(person|store owner)\b/.test(a.description));

/**
 * While a command waits for approval, the agent relays its stderr to the person, who decides (the
 * first choice the hint offers, once); their decisions land in `approvals`.
 */
function relayApprovals(approvals: Promise<Response>[]): (line: string) => void {
  return (line) => {
    if (!line.startsWith('secrets: hint: ') || !/approve/.test(line)) return;
    const decide = commandsIn(line.slice('secrets: hint: '.length))[0];
    assert.ok(decide, line);
    suggested.push({ words: shellWords(decide.command), known: new Set(shellWords(line)) });
    approvals.push(personRuns(decide.command));
  };
}

/** The person started a background daemon: stop it by the pid it reports. */
async function stopDaemon(): Promise<void> {
  const status = await run(['status', '--json'], {});
  const pid = JSON.parse(status.stdout || '{}').data?.pid as number | undefined;
  if (pid) process.kill(pid, 'SIGTERM');
}

test('an agent knowing only --help gets a secret used through exec, then leases it and revokes that lease, following the responses', { timeout: 180_000 }, async (t) => {
  writeFileSync(passphraseFile, 'correct horse battery staple\n', { mode: 0o600 });
  // The project the agent works in declares what it needs; the task reads the token without printing it.
  mkdirSync(project);
  mkdirSync(home, { mode: 0o700 });
  writeFileSync(join(project, '.secrets.json'), JSON.stringify({ secrets: [{ name: 'github_token', env_var: 'GITHUB_TOKEN' }] }));
  writeFileSync(join(project, 'check.cjs'), `process.stdout.write('token: ' + process.env.GITHUB_TOKEN + '\\n'); process.exit(process.env.GITHUB_TOKEN === ${JSON.stringify(SECRET_VALUE)} ? 0 : 3);`);

  const help = await run(['--help'], {});
  transcript.push('agent$ secrets --help');
  learn(help);
  const task = help.actions.find((a) => a.description === 'example' && /\bexec\b/.test(a.command));
  assert.ok(task, 'the help shows how to run a command with secrets');
  // The agent puts its own client id and its own command into the example.
  const example = shellWords(task.command).slice(1);
  const options = example.slice(0, example.indexOf('--')).map((word, i, all) => (all[i - 1] === '--client-id' ? CLIENT_ID : word));
  const execArgv = [...options, '--', ...TASK];

  let result: Response | undefined;
  for (let attempt = 0; attempt < 6 && result?.code !== 0; attempt++) {
    const approvals: Promise<Response>[] = [];
    result = await say('agent', execArgv, { cwd: project, onLine: relayApprovals(approvals) });
    for (const approval of await Promise.all(approvals)) assert.equal(approval.code, 0, approval.stderr);
    if (result.code === 0) break;
    assert.ok([3, 69].includes(result.code!), `exec exit ${result.code}: ${result.stderr}\n${transcript.join('\n')}`);
    // Not the agent's to fix: it hands the first action meant for the person over, then runs its command again.
    const handOver = forThePerson(result)[0];
    assert.ok(handOver, `nothing in the response tells the agent what the person should do:\n${result.stdout}\n${result.stderr}`);
    await personRuns(handOver.command);
  }
  assert.equal(result!.code, 0, `exec never succeeded:\n${transcript.join('\n')}\n${result!.stderr}`);
  assert.match(result!.stdout, /^token: \S+\n$/);
  assert.ok(!result!.stdout.includes(SECRET_VALUE), 'the value is masked in the output');

  // Next the agent needs the value itself: `secrets list` (suggested when the secret was missing) says
  // how to lease one. A lease of a client approved once waits for the person again.
  const listed = await say('agent', ['list']);
  assert.equal(listed.code, 0, listed.stderr);
  const howToLease = listed.actions.find((a) => a.command.startsWith('secrets lease '));
  assert.ok(howToLease, `list suggests no lease: ${listed.stdout}`);
  const approvals: Promise<Response>[] = [];
  const leased = await say('agent', fillIn(howToLease.command), { onLine: relayApprovals(approvals) });
  for (const approval of await Promise.all(approvals)) assert.equal(approval.code, 0, approval.stderr);
  assert.equal(leased.code, 0, leased.stderr);

  const leaseId = leased.data?.lease_id as string;
  assert.match(leaseId, /^L-/, 'the lease says its id');

  // Done with it: the agent revokes that one lease by the id the response gave (never `revoke --all`,
  // which would end every lease it holds and which next_actions mark dangerous).
  const before = await run(['leases', '--json'], {});
  assert.ok(JSON.parse(before.stdout).data.leases.some((l: { lease_id: string }) => l.lease_id === leaseId), 'the lease is active');
  const revokeIt = leased.actions.find((a) => a.command.startsWith('secrets revoke '));
  assert.ok(revokeIt, `the lease suggests no revoke: ${leased.stdout}`);
  assert.equal(revokeIt.dangerous, false, 'revoking its own lease is not dangerous');
  // The agent puts the id it read into a placeholder; wasSuggested refuses that, as the response knew it.
  const revoked = await say('agent', fillIn(revokeIt.command, { LEASE_ID: leaseId }));
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.deepEqual(revoked.data.revoked, [leaseId], 'exactly that lease was revoked');
  const left = await run(['leases', '--json'], {});
  assert.ok(!JSON.parse(left.stdout).data.leases.some((l: { lease_id: string }) => l.lease_id === leaseId), 'the lease is gone');
  transcript.forEach((line) => t.diagnostic(line));
});
