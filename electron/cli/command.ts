/** The shape of a CLI command; the table of them lives in commands/index.ts. */
import type { ParseArgsConfig } from 'node:util';
import type { CommandContext } from './context.js';

export interface Command {
  name: string;
  usage: string;
  summary: string;
  /** More lines for `secrets help NAME`: what the options mean, what to do next. */
  help?: string;
  /** The last line of `secrets help NAME`: a command that works as written (help.test.ts checks every command has one). */
  example?: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** How many positionals it takes. */
  args: [min: number, max: number];
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  human: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const PASSPHRASE_OPTION = { 'passphrase-file': { type: 'string' } } as const;
/** Holder commands: act on every client's leases as the store owner (admin proof). */
export const OWNER_OPTIONS = { owner: { type: 'boolean' }, ...PASSPHRASE_OPTION } as const;
export const CLIENT_ID_OPTION = { 'client-id': { type: 'string' } } as const;
