/**
 * Reading an interpreter's command line the way the interpreter does: which argument is the script,
 * and which options make it load other code first (`node --require x`, `python -c`, `ruby -rlib`,
 * `perl -MFoo`, `--inspect` that lets a debugger in). The launcher key names both, so that a grant
 * for `node bot.js` does not cover `node --require evil.js bot.js`.
 *
 * Options not listed here are taken as harmless (`--max-old-space-size`, `-u`, `-W0`): a grant keeps
 * covering them. An option that takes a value but is not listed may make its value look like the
 * script; that only ever makes the key differ, so the person is asked again.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';

export type Family = 'node' | 'bun' | 'deno' | 'python' | 'ruby' | 'perl';

interface Syntax {
  /** Options that load code or let a debugger in, and take a value. */
  loadsValue: Set<string>;
  /** Options that load code and take no value, or only one joined with `=` (`--inspect=9229`). */
  loadsSwitch: Set<string>;
  /** Short options that load code and take the rest of the word, if any, as their value (`perl -d:Trace`). */
  loadsAttached?: Set<string>;
  /** Harmless short options that take the rest of the word, if any (`perl -i.bak`, `ruby -W0`). */
  attached?: Set<string>;
  /** Options whose value is code to run: it takes the script's place. */
  inline: Set<string>;
  /** Harmless options that take a value (so the value is not the script). */
  valued: Set<string>;
  /** The option whose value is a module to run as the script (`python -m`). */
  module?: string;
  /** Single-letter options combine and take joined values (`-Bc code`, `-rjson`, `-I./lib`). */
  clusters: boolean;
  /** Words before the script that are subcommands (`deno run`, `bun x`). */
  subcommands: Set<string>;
  /** Loading options whose value is a path even without a slash (`-I lib`). */
  pathValued: Set<string>;
  /** Loading options whose bare value is a package found from the working directory (`--import tsx`). */
  fromCwd?: Set<string>;
}

const set = (...items: string[]) => new Set(items);

const NODE_LOADING = ['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--env-file-if-exists', '--experimental-config-file', '--openssl-config', '--snapshot-blob', '--inspect-port', '--debug-port', '--test-reporter'];
const INSPECT = ['--inspect', '--inspect-brk', '--inspect-wait', '--debug', '--debug-brk'];
const NODE_VALUED = ['-C', '--conditions', '--title', '--input-type', '--watch-path', '--redirect-warnings', '--diagnostic-dir', '--report-dir', '--cpu-prof-dir', '--heap-prof-dir', '--heapsnapshot-signal', '--stack-trace-limit'];

const SYNTAX: Record<Family, Syntax> = {
  node: {
    loadsValue: set(...NODE_LOADING),
    loadsSwitch: set(...INSPECT, '-i', '--interactive', '--experimental-default-config-file'),
    inline: set('-e', '--eval', '-p', '--print', '-pe'),
    valued: set(...NODE_VALUED),
    clusters: false,
    subcommands: set(),
    pathValued: set('--env-file', '--env-file-if-exists', '--experimental-config-file', '--openssl-config', '--snapshot-blob'),
    fromCwd: set('-r', '--require', '--import', '--loader', '--experimental-loader', '--test-reporter'),
  },
  bun: {
    loadsValue: set('-r', '--require', '--import', '--preload', '-c', '--config', '--env-file', '--inspect-port'),
    loadsSwitch: set(...INSPECT),
    inline: set('-e', '--eval', '-p', '--print'),
    valued: set('--conditions', '--cwd', '--tsconfig-override', '--main-fields', '--define', '-d', '--loader', '-l'),
    clusters: false,
    subcommands: set('run', 'x'),
    pathValued: set('-c', '--config', '--env-file'),
    fromCwd: set('-r', '--require', '--import', '--preload'),
  },
  deno: {
    loadsValue: set('--import-map', '-c', '--config', '--preload', '--env-file', '--inspect-port'),
    loadsSwitch: set(...INSPECT),
    inline: set(),
    valued: set('--location', '--seed', '--v8-flags', '--cert', '--lock', '--ext'),
    clusters: false,
    subcommands: set('run', 'x', 'serve'),
    pathValued: set('-c', '--config', '--env-file'),
  },
  python: {
    loadsValue: set(),
    loadsSwitch: set('-i'),
    inline: set('-c'),
    valued: set('-W', '-X', '-Q'),
    module: '-m',
    clusters: true,
    subcommands: set(),
    pathValued: set(),
  },
  ruby: {
    loadsValue: set('-r', '-I'),
    loadsSwitch: set(),
    inline: set('-e'),
    valued: set('-C', '-E', '-F'),
    attached: set('-W', '-x', '-0', '-K', '-T'),
    clusters: true,
    subcommands: set(),
    pathValued: set('-I'),
  },
  perl: {
    loadsValue: set('-M', '-m', '-I'),
    loadsSwitch: set(),
    // -d, -d:Module, -dt: the debugger (or a module standing in for it) runs first.
    loadsAttached: set('-d'),
    inline: set('-e', '-E'),
    valued: set(),
    attached: set('-0', '-l', '-i', '-x', '-C', '-D', '-F'),
    clusters: true,
    subcommands: set(),
    pathValued: set('-I'),
  },
};

/** The interpreter family of a program name, or null for a program that is not an interpreter. */
export function familyOf(program: string): Family | null {
  if (/^(node|nodejs)$/.test(program)) return 'node';
  if (/^(bun|deno|ruby|perl)$/.test(program)) return program as Family;
  if (/^python(\d+(\.\d+)?)?$/.test(program)) return 'python';
  return null;
}

export interface ParsedArgs {
  /** The script (absolute path), `-m module`, `-e <code>`, or null when it runs none. */
  script: string | null;
  /** Code-loading options as shown in the key, in order (`--require /srv/evil.js`, `--inspect`). */
  loads: string[];
  /** An argument these rules could not place (only when parsing options alone, as in NODE_OPTIONS). */
  unplaced: boolean;
}

/**
 * Reads an interpreter's arguments (without argv[0]). `optionsOnly` is for option strings from the
 * environment (NODE_OPTIONS, RUBYOPT): there is no script there, so a word that is not an option is
 * reported as unplaced rather than taken for one.
 */
export function parseInterpreterArgs(family: Family, args: string[], cwd: string | null, optionsOnly = false): ParsedArgs {
  const syntax = SYNTAX[family];
  const loads: string[] = [];
  let unplaced = false;
  const shownValue = (flag: string, value: string) => {
    if (looksLikePath(value, syntax.pathValued.has(flag))) return shown(absolute(value, cwd));
    // `--require evil` loads node_modules/evil of whatever directory it starts in: say which.
    const bare = value !== '' && !isUrl(value) && syntax.fromCwd?.has(flag) && cwd !== null;
    return bare ? `${shown(value)} (from ${shown(cwd)})` : shown(value);
  };
  const load = (flag: string, value: string | null) => loads.push(value === null ? flag : `${flag} ${shownValue(flag, value)}`);
  let sawSubcommand = false;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = (): string | null => (i + 1 < args.length ? args[++i]! : null);
    if (arg === '--') {
      const script = optionsOnly ? null : next();
      return { script: script === null ? null : absolute(script, cwd), loads, unplaced };
    }
    if (arg === '-' || !arg.startsWith('-')) {
      if (optionsOnly) {
        unplaced = true;
        continue;
      }
      if (!sawSubcommand && syntax.subcommands.has(arg)) {
        sawSubcommand = true;
        continue;
      }
      return { script: arg === '-' ? '-' : absolute(arg, cwd), loads, unplaced };
    }
    if (syntax.clusters && !arg.startsWith('--')) {
      // Short options combine: each letter is an option; one that takes a value takes the rest of
      // the word, or the next argument.
      for (let c = 1; c < arg.length; c++) {
        const flag = `-${arg[c]}`;
        const rest = arg.slice(c + 1);
        const value = () => (rest !== '' ? rest : next());
        if (syntax.inline.has(flag) || flag === syntax.module) {
          const code = value() ?? '';
          if (optionsOnly) load(flag, code);
          else return { script: flag !== syntax.module ? `${flag} ${shown(code)}` : code === '' ? null : `${flag} ${code}`, loads, unplaced };
          break;
        }
        if (syntax.loadsValue.has(flag)) {
          load(flag, value() ?? '');
          break;
        }
        if (syntax.loadsAttached?.has(flag)) {
          load(`${flag}${rest}`, null);
          break;
        }
        if (syntax.loadsSwitch.has(flag)) load(flag, null);
        else if (syntax.attached?.has(flag)) break;
        else if (syntax.valued.has(flag)) {
          value();
          break;
        }
      }
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const joined = eq === -1 ? null : arg.slice(eq + 1);
    if (syntax.inline.has(flag)) {
      const code = joined ?? next() ?? '';
      if (!optionsOnly) return { script: `${flag} ${shown(code)}`, loads, unplaced };
      load(flag, code);
    } else if (syntax.loadsValue.has(flag)) load(flag, joined ?? next() ?? '');
    else if (syntax.loadsSwitch.has(flag)) load(flag, joined);
    else if (syntax.valued.has(flag) && joined === null) next();
  }
  return { script: null, loads, unplaced };
}

/**
 * Splits an option string as Node splits NODE_OPTIONS: on spaces, with double quotes grouping and a
 * backslash escaping the next character inside them.
 */
export function splitOptions(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '\\' && i + 1 < text.length) {
      word += text[++i];
    } else if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function absolute(path: string, cwd: string | null): string {
  return isAbsolute(path) || cwd === null ? path : resolve(cwd, path);
}

function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value);
}

/**
 * A value is a path when the option takes only paths, or it starts with `.` or `/`. Anything else is
 * a module or package name the interpreter looks up (`--require evil.js` is node_modules/evil.js).
 */
function looksLikePath(value: string, always: boolean): boolean {
  if (value === '' || isUrl(value)) return false;
  return always || value.startsWith('.') || value.startsWith('/');
}

const MAX_SHOWN = 120;

/**
 * A value as a person reads it in a prompt and types it back into `clients allow --launcher`: bare
 * when it is plain, JSON-quoted otherwise; a long one is cut and ends with its hash so it stays
 * distinct.
 */
export function shown(value: string): string {
  if (value.length > MAX_SHOWN) {
    const digest = createHash('sha256').update(value).digest('hex').slice(0, 16);
    return `${JSON.stringify(value.slice(0, 80))}…sha256:${digest}`;
  }
  return /^[\w./@:+,%=~-]+$/.test(value) ? value : JSON.stringify(value);
}
