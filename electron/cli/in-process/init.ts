/** `secrets init`: create the store. Runs without a daemon, in this process. */
import { DaemonError } from '../../../shared/errors.js';
import { MIN_PASSPHRASE_LENGTH } from '../../../shared/names.js';
import { type Command, PASSPHRASE_OPTION } from '../command.js';
import { promptHidden } from '../terminal.js';
import { readPassphraseFile } from '../inputs.js';
import { printSuccess } from '../output.js';
import { loadDaemon } from './load-daemon.js';

async function askNewPassphrase(): Promise<string> {
  const first = await promptHidden('New store passphrase: ');
  if (first === null) {
    throw new DaemonError('USAGE', 'no terminal to ask for a passphrase', 'pass --passphrase-file FILE (or --insecure-keyfile, which protects nothing)');
  }
  if (first.length < MIN_PASSPHRASE_LENGTH) throw new DaemonError('USAGE', `the passphrase is shorter than ${MIN_PASSPHRASE_LENGTH} characters`, 'choose a longer passphrase');
  if ((await promptHidden('Repeat passphrase: ')) !== first) throw new DaemonError('USAGE', 'the passphrases differ', 'run secrets init again');
  return first;
}

function workFactor(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 10 || n > 22) throw new DaemonError('USAGE', '--scrypt-work-factor must be an integer from 10 to 22', `age's default is ${fallback}`);
  return n;
}

export const init: Command = {
  name: 'init',
  usage: 'init [--passphrase-file F | --insecure-keyfile]',
  summary: 'create the store and its identity (refuses to overwrite an existing one)',
  help: 'The person runs it once, in a terminal: it asks for a new passphrase. A script passes --passphrase-file FILE (a 0600 file holding the passphrase). Then: secrets serve.',
  example: 'secrets init',
  args: [0, 0],
  options: { ...PASSPHRASE_OPTION, 'insecure-keyfile': { type: 'boolean' }, 'scrypt-work-factor': { type: 'string' } },
  async run(ctx) {
    const file = ctx.values['passphrase-file'] as string | undefined;
    const insecure = ctx.values['insecure-keyfile'] === true;
    if (file !== undefined && insecure) throw new DaemonError('USAGE', 'choose either --passphrase-file or --insecure-keyfile', 'secrets init --passphrase-file FILE');
    const daemon = await loadDaemon();
    const protection = insecure
      ? ({ kind: 'insecure-keyfile' } as const)
      : {
          kind: 'passphrase' as const,
          passphrase: file !== undefined ? readPassphraseFile(file) : await askNewPassphrase(),
          workFactor: workFactor(ctx.values['scrypt-work-factor'], daemon.DEFAULT_SCRYPT_WORK_FACTOR),
        };
    const result = await daemon.initStore(ctx.dataDir, protection);
    if (insecure) process.stderr.write('secrets: warning: identity.key is a plaintext key: any local process can read it and approve itself\n');
    return printSuccess(ctx.mode, 'init', { ...result }, () => `created the store in ${result.data_dir} (${result.protection})\nnext: secrets serve`);
  },
};
