/**
 * The self-reported client id: --client-id, else $AGENT_SECRETS_CLIENT_ID, else the name of the
 * program that launched the CLI (the nearest ancestor that is not a shell), read from /proc on Linux.
 */
import { readFileSync } from 'node:fs';
import { CLIENT_ID_PATTERN } from '../../shared/names.js';

const PASS_THROUGH = new Set(['sh', 'bash', 'zsh', 'dash', 'fish', 'ksh', 'tcsh', 'csh', 'env', 'sudo', 'doas', 'timeout', 'xargs', 'npm', 'npx', 'secrets']);
const FALLBACK = 'cli';

function parentOf(pid: number): { ppid: number; name: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { ppid, name };
  } catch {
    return null;
  }
}

/** A program's name (or an MCP client's) made into a client id, or null when nothing usable is left. */
export function clientIdFrom(name: string): string | null {
  const id = name.replace(/[^A-Za-z0-9._:@+-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);
  return CLIENT_ID_PATTERN.test(id) ? id : null;
}

export function deriveClientId(env: Record<string, string | undefined> = process.env, startPid = process.ppid): string {
  if (env.AGENT_SECRETS_CLIENT_ID) return env.AGENT_SECRETS_CLIENT_ID;
  let pid = startPid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const info = parentOf(pid);
    if (!info) break;
    if (!PASS_THROUGH.has(info.name)) return clientIdFrom(info.name) ?? FALLBACK;
    pid = info.ppid;
  }
  return FALLBACK;
}
