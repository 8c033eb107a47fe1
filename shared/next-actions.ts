/**
 * `next_actions`: every response tells an agent what it can do next (the self-documenting envelope of
 * the original agent-secrets). Derived from the command, what was asked and the outcome — never from
 * secret values. Every action is a command the CLI parses as written: ids and names known from the
 * request or the response are filled in; an UPPERCASE word from PLACEHOLDERS stands only for what
 * nobody but the caller knows (a new secret's name, the command to run, the passphrase file).
 */
import type { ErrorCode } from './errors.js';
import { SECRET_NAME_PATTERN } from './names.js';
import { shSingleQuoted } from './sh-quote.js';

export interface NextAction {
  command: string;
  description: string;
  dangerous: boolean;
}

/** What was asked: lets the actions reuse the names and ids the caller gave. */
export interface Invocation {
  /** The arguments after `secrets`, as typed. */
  argv: readonly string[];
  /** The command's name (`clients`, not `clients allow`). */
  command: string;
  args: readonly string[];
  options: Readonly<Record<string, unknown>>;
}

/** Words that stand for a value only the caller knows. Anything else in a command is meant literally. */
export const PLACEHOLDERS = ['NAME', 'FILE', 'CMD', 'ID', 'REQ', 'REQUEST_ID', 'LEASE_ID', 'CLIENT_ID', 'GRANT_ID', 'DUR', 'DIR'] as const;

type Data = Record<string, unknown> | undefined;

/**
 * What cuts access, destroys a value or forgets a decision: an agent must not run it without being
 * sure. One rule for every action, so a new action cannot forget the flag.
 */
export function isDangerous(command: string): boolean {
  const words = command.split(/\s+/);
  const [, verb, sub] = words;
  if (words.includes('--wipe')) return true;
  if (verb === 'killswitch') return !words.includes('--disengage');
  if (verb === 'revoke') return words.includes('--all') || words.includes('--client') || words.includes('--secret');
  if (verb === 'clients') return sub === 'forget' || sub === 'revoke';
  if (verb === 'agent-user') return sub === 'remove';
  return verb === 'rm' || verb === 'set';
}

const act = (command: string, description: string): NextAction => ({ command, description, dangerous: isDangerous(command) });

/** How an agent should use secrets: the value reaches the command, never the agent. */
const execWith = (description: string) => act('secrets exec --client-id ID -- CMD', description);

/** A shell word: plain when it is safe unquoted, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._:@+=,/-]+$/.test(word) ? word : shSingleQuoted(word);
}

/** The caller's own command line, to run again. */
const again = (inv: Invocation) => ['secrets', ...inv.argv].map(shellWord).join(' ');

function str(data: Data, key: string): string | undefined {
  const value = data?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** `key` of the first row of the list `data[list]`, when there is one. */
function firstOf(data: Data, list: string, key: string): string | undefined {
  const rows = data?.[list];
  return Array.isArray(rows) && rows.length > 0 ? str(rows[0] as Data, key) : undefined;
}

/** The secret name a command was given (`lease NAME`, `add NAME` …), when it is a valid one. */
function secretArg(inv: Invocation | undefined): string | undefined {
  const named = ['add', 'set', 'rm', 'rotate', 'lease'];
  const name = inv && named.includes(inv.command) ? inv.args[0] : undefined;
  return name !== undefined && SECRET_NAME_PATTERN.test(name) ? name : undefined;
}

/** `--passphrase-file F` as the caller gave it, so the store owner's next admin step needs no retyping. */
function passphraseOption(inv: Invocation | undefined): string {
  const file = inv?.options['passphrase-file'];
  return typeof file === 'string' && file !== '-' ? ` --passphrase-file ${shellWord(file)}` : '';
}

/** Actions after a successful command. `command` is the command as the envelope names it (`clients forget`). */
export function nextActionsOnSuccess(command: string, data: Data, inv?: Invocation): NextAction[] {
  const name = str(data, 'name') ?? secretArg(inv);
  switch (command) {
    case 'init':
      return [
        act(`secrets serve${passphraseOption(inv)}`, 'the person starts the daemon (it asks for the store passphrase on a terminal; scripts add --passphrase-file FILE)'),
        act('secrets add NAME', 'the store owner adds a secret, its value on stdin'),
      ];
    case 'status': {
      const engaged = (data?.killswitch as { engaged?: unknown } | undefined)?.engaged === true;
      return [
        ...(engaged ? [act('secrets killswitch --disengage', 'unlock (the store owner, with the passphrase); an agent stops and tells the person')] : []),
        act('secrets list', 'list secrets'),
        act('secrets leases', 'list your active leases'),
      ];
    }
    case 'serve':
      return [act('secrets status', 'check the daemon'), act('secrets list', 'list the secrets agents may ask for')];
    case 'lease': {
      const id = str(data, 'lease_id') ?? 'LEASE_ID';
      return [act(`secrets renew ${id}`, 'extend this lease'), act(`secrets revoke ${id}`, 'revoke this lease when done')];
    }
    case 'leases': {
      const id = firstOf(data, 'leases', 'lease_id');
      if (id === undefined) return [act('secrets list', 'list the secrets you may lease'), act('secrets leases --owner', "every client's leases (the store owner, with the passphrase)")];
      return [act(`secrets revoke ${id}`, 'revoke this lease when done'), act(`secrets renew ${id}`, 'extend this lease'), act('secrets revoke --all', 'revoke all your leases')];
    }
    case 'renew':
      return [act(`secrets revoke ${str(data, 'lease_id') ?? 'LEASE_ID'}`, 'revoke this lease when done')];
    case 'revoke':
      return [act('secrets leases', 'list the leases still active')];
    case 'add':
    case 'set':
      return [
        execWith(`an agent runs CMD with ${name ?? 'it'} in its environment (name it in .secrets.json), never seeing the value`),
        act(`secrets lease ${name ?? 'NAME'} --ttl 1h --json`, 'or lease it (prefer exec): its value, and the lease id to revoke it by'),
        act('secrets list', 'list secrets'),
      ];
    case 'rm':
      return [act('secrets list', 'list the remaining secrets')];
    case 'rotate':
      return [execWith(`run CMD with the new value of ${name ?? 'it'} in its environment (.secrets.json names it)`), act(`secrets audit --action secret.rotated --secret ${name ?? 'NAME'}`, 'rotation history')];
    case 'list': {
      const first = firstOf(data, 'secrets', 'name');
      if (first === undefined) return [act('secrets add NAME', 'the store owner adds a secret, its value on stdin')];
      return [execWith('run CMD with the .secrets.json secrets in its environment (you never see them)'), act(`secrets lease ${first} --ttl 1h --json`, 'lease a secret (prefer exec): its value, and the lease id to revoke it by when done')];
    }
    case 'audit':
      return [act('secrets audit verify', 'check the audit chain'), act('secrets audit --follow', 'stream new entries')];
    case 'audit verify':
      return data?.ok === false
        ? [act('secrets audit --tail 50', 'inspect the entries around the first bad one'), act('secrets killswitch', 'if you suspect compromise, cut all access')]
        : [act('secrets audit --tail 20', 'read the latest entries')];
    case 'killswitch':
      return [act('secrets status', 'see the lock and what was cut'), act('secrets killswitch --disengage', 'unlock (the store owner, with the passphrase)')];
    case 'killswitch --disengage':
      return [act('secrets status', 'check the daemon'), act('secrets leases', 'list active leases')];
    case 'env':
      return [act('secrets cleanup', 'delete env files whose leases ended'), act('secrets revoke --all', 'end access now (the file is deleted)')];
    case 'cleanup':
      return [act('secrets leases', 'list active leases')];
    case 'requests': {
      const id = firstOf(data, 'requests', 'request_id');
      if (id === undefined) return [act('secrets clients', 'approved clients and their grants')];
      return [
        act(`secrets approve ${id}`, 'allow this request once (the store owner, with the passphrase)'),
        act(`secrets approve ${id} --for 1h`, 'allow the client for an hour (the store owner, with the passphrase)'),
        act(`secrets deny ${id}`, 'deny the request (the store owner, with the passphrase)'),
      ];
    }
    case 'approve':
    case 'deny':
    case 'clients allow':
      return [act('secrets clients', 'list approved clients'), act('secrets requests', 'see what else is pending')];
    case 'clients': {
      const client = firstOf(data, 'grants', 'client_id');
      const grant = firstOf(data, 'grants', 'grant_id');
      return [
        ...(client === undefined ? [] : [act(`secrets clients forget ${client}`, `revoke every grant of ${client} and its leases (the store owner)`)]),
        ...(grant === undefined ? [] : [act(`secrets clients revoke ${grant}`, 'revoke this grant and the leases only it covered (the store owner)')]),
        act('secrets requests', 'pending approval requests'),
      ];
    }
    case 'clients forget':
    case 'clients revoke':
      return [act('secrets clients', 'list approved clients'), act('secrets requests', 'pending approval requests')];
    case 'import':
      return [act('secrets list', 'list the secrets now in the store')];
    case 'scan': {
      const dir = shellWord(str(data, 'dir') ?? '.');
      const skipped = typeof data?.ignored_dirs_skipped === 'number' && data.ignored_dirs_skipped > 0;
      const lookThere = skipped ? [act(`secrets scan ${dir} --no-ignore`, 'also look in the directories .gitignore ignores (an env file in one was not read)')] : [];
      return Array.isArray(data?.findings) && data.findings.length > 0
        ? [act(`secrets scan ${dir} --import`, 'the store owner moves the env files\' credentials into the store (asks for the passphrase)'), act(`secrets help scan`, 'what --import changes'), ...lookThere]
        : [execWith('run CMD with the .secrets.json secrets in its environment'), ...lookThere];
    }
    case 'agent-user add':
      return [act('secrets status', 'check the daemon; the person restarts it (or the tray app) so it opens the agent socket')];
    case 'agent-user remove':
      return [act('secrets status', 'check the daemon')];
    case 'scan --import': {
      const moved = Array.isArray(data?.moved) && data.moved.length > 0;
      if (!moved) return [act(`secrets scan ${shellWord(str(data, 'dir') ?? '.')}`, 'nothing was moved: scan again to see what is still in plain text, and why'), act('secrets list', 'list the secrets in the store')];
      return [execWith('run CMD with the moved secrets in its environment (.secrets.json names them)'), act('secrets list', 'list the secrets now in the store')];
    }
    default:
      return [act('secrets status', 'daemon state and counts'), act('secrets list', 'list secrets'), act('secrets leases', 'list active leases')];
  }
}

/**
 * The commands a hint names (`start it with: secrets serve`), as actions described by the words before
 * each: the daemon often knows a value the CLI does not (which secret of .secrets.json is missing,
 * which secret a lease was for). A command with a placeholder in it is left to the hint's text.
 */
export function actionsInHint(hint: string | undefined): NextAction[] {
  if (!hint) return [];
  // A command starts the hint or follows a colon, a comma or "or"; it ends at punctuation or "or".
  const commands = /(?<=^|[:,]\s*|\bor\s+)secrets [^;,()[\]]*?(?=\s{2}|[;,()]|\s+or\s|$)/g;
  const actions: NextAction[] = [];
  let from = 0;
  for (const match of hint.matchAll(commands)) {
    const command = match[0].trim();
    const said = hint.slice(from, match.index).replace(/^[\s;,)]+|[\s:,(]+$/g, '').replace(/\s+with$/, '');
    from = match.index + match[0].length;
    if (command.split(' ').some((word) => (PLACEHOLDERS as readonly string[]).includes(word) || word.includes('…'))) continue;
    actions.push(act(command, said || hint));
  }
  return actions;
}

/**
 * Ends the hint of DAEMON_NOT_RUNNING on an agent socket: the agent's user cannot start the person's
 * daemon, and `secrets init` there would only make it a store of its own.
 */
export const AGENT_CANNOT_START = 'this user cannot start it';

/** Actions after an error, by code; the commands its hint names come first. */
export function nextActionsOnError(code: ErrorCode, inv?: Invocation, hint?: string): NextAction[] {
  if (code === 'DAEMON_NOT_RUNNING' && hint?.endsWith(AGENT_CANNOT_START)) {
    return inv ? [act(again(inv), 'run this again once the person has started their daemon')] : [];
  }
  const named = actionsInHint(hint);
  const seen = new Set(named.map((a) => a.command));
  return [...named, ...byCode(code, inv).filter((a) => !seen.has(a.command))];
}

function helpFor(inv: Invocation | undefined): NextAction {
  return inv ? act(`secrets help ${inv.command}`, `the usage and options of ${inv.command}`) : act('secrets --help', 'list commands');
}

function byCode(code: ErrorCode, inv: Invocation | undefined): NextAction[] {
  switch (code) {
    case 'DAEMON_NOT_RUNNING':
      return [
        act('secrets serve', 'the person starts the daemon (it asks for the store passphrase), or opens the Agent Secrets app'),
        act('secrets init', 'the person creates the store first, if there is none'),
        ...(inv ? [act(again(inv), 'run this again once the daemon runs')] : []),
      ];
    case 'STORE_NOT_FOUND':
      return [act('secrets init', 'the person creates the store (it asks for a new passphrase; scripts add --passphrase-file FILE)')];
    case 'SECRET_NOT_FOUND': {
      const name = secretArg(inv);
      return [act('secrets list', 'list the secrets that exist'), ...(name ? [act(`secrets add ${name}`, 'the store owner adds it, its value on stdin')] : [])];
    }
    case 'LEASE_NOT_FOUND':
    case 'LEASE_EXPIRED':
    case 'LEASE_REVOKED':
      return [act('secrets leases', 'list your active leases'), act('secrets list', 'the secrets you may lease again')];
    case 'SECRET_EXISTS': {
      const name = secretArg(inv);
      return name ? [act(`secrets set ${name}`, 'the store owner replaces the value instead (the old one is lost)')] : [act('secrets list', 'list secrets')];
    }
    case 'INVALID_DURATION': {
      const i = inv ? inv.argv.indexOf('--ttl') : -1;
      const fixed = inv && i !== -1 ? [act(again({ ...inv, argv: inv.argv.map((a, j) => (j === i + 1 ? '1h' : a)) }), 'the same with a TTL of an hour')] : [];
      return [...fixed, helpFor(inv)];
    }
    case 'USAGE':
    case 'INVALID_PARAMS':
    case 'INVALID_NAME':
    case 'INVALID_VALUE':
    case 'PROJECT_NOT_FOUND':
      return [helpFor(inv)];
    case 'ADMIN_REQUIRED':
    case 'PASSPHRASE_INCORRECT':
      return inv
        ? [act(again(inv), 'the store owner runs this in a terminal (it asks for the passphrase); an agent asks the person')]
        : [act('secrets status', 'see who can perform admin actions')];
    case 'ADMIN_LOCKED':
      return [act('secrets status', 'see when admin proofs are accepted again'), act('secrets audit --action admin.denied', 'see the wrong proofs')];
    case 'GRANT_NOT_FOUND':
      return [act('secrets clients', 'list clients and their grants')];
    case 'DENIED':
      // agent-user refuses a non-root caller or a real account: nothing waits for a person's decision.
      if (inv?.command === 'agent-user') return [helpFor(inv)];
      return [act('secrets requests', 'what waits for a person; do not retry in a loop, ask the person'), act('secrets status', 'see the approval policy')];
    case 'REQUEST_NOT_FOUND':
      return [act('secrets requests', 'list pending requests (decided or expired ones are gone)')];
    case 'LOCKED':
    case 'KILLSWITCH_ENGAGED':
      return [act('secrets status', 'see why the store is locked; stop and tell the person'), act('secrets killswitch --disengage', 'unlock (the store owner, with the passphrase)')];
    case 'DAEMON_ALREADY_RUNNING':
      return [act('secrets status', 'use the running daemon')];
    case 'STORE_EXISTS':
      // Not `status`: with the store there but no daemon, that only says the daemon is not running.
      return [act(`secrets serve${passphraseOption(inv)}`, 'the person starts the daemon on the store that is there (it asks for its passphrase)')];
    case 'TIMEOUT':
    case 'TOO_MANY_CONNECTIONS':
      // Both are passing: the daemon was busy, or a connection waited too long.
      return inv ? [act(again(inv), 'run the same command again in a moment'), act('secrets status', 'check the daemon')] : [act('secrets status', 'check the daemon')];
    default:
      return [act('secrets status', 'check the daemon'), helpFor(inv)];
  }
}
