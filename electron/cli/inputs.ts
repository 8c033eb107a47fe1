/** Reading what the person supplies: passphrase files, secret values from stdin or a prompt. */
import { readFileSync } from 'node:fs';
import { DaemonError } from '../../shared/errors.js';
import { promptHidden } from './terminal.js';
import { isTerminal } from './stdio.js';

/** Strips exactly one trailing newline (\n or \r\n), as `echo value |` adds one. */
export function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** @throws DaemonError USAGE when the file cannot be read or is empty. `-` reads stdin. */
export function readPassphraseFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new DaemonError('USAGE', `cannot read the passphrase file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, 'pass a readable file with --passphrase-file FILE');
  }
  const passphrase = stripOneNewline(text);
  if (passphrase.length === 0) throw new DaemonError('USAGE', `the passphrase file ${path} is empty`, 'put the passphrase on the first line');
  return passphrase;
}

/** The passphrase from --passphrase-file, else asked on the terminal; null when neither is possible. */
export async function obtainPassphrase(file: string | undefined, question = 'Store passphrase: '): Promise<string | null> {
  if (file !== undefined) return readPassphraseFile(file);
  return promptHidden(question);
}

async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A secret value: piped stdin (one trailing newline dropped), else a hidden prompt.
 * @throws DaemonError INVALID_VALUE for empty or non-UTF-8 input.
 */
export async function readSecretValue(name: string): Promise<string> {
  let raw: string | null;
  if (isTerminal(0)) {
    raw = await promptHidden(`Value for ${name}: `);
  } else {
    const bytes = await readAllStdin();
    try {
      raw = strictUtf8.decode(bytes);
    } catch {
      throw new DaemonError('INVALID_VALUE', 'the value on stdin is not valid UTF-8 text', 'store binary secrets base64-encoded');
    }
  }
  const value = raw === null ? '' : stripOneNewline(raw);
  if (value.length === 0) {
    throw new DaemonError('INVALID_VALUE', `no value given for ${name}`, `pipe it in: printf '%s' "$VALUE" | secrets add ${name}`);
  }
  return value;
}
