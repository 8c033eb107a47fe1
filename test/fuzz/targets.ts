/**
 * Every in-process fuzz target, by name: the test files run them with 10,000 cases each, the bench
 * (`npm run bench -- --fuzz`) with 100,000. The socket target needs a daemon: see properties/socket.ts.
 */
import { dispatchAdminProofs, dispatchDestructive, dispatchEveryMethod } from './properties/dispatch.js';
import { frameReaderMatchesModel } from './properties/frame-reader.js';
import { cliArgumentsParse } from './properties/cli-args.js';
import { durationsParseAndRoundTrip } from './properties/durations.js';
import { configJsonParses, projectFileParses } from './properties/config-files.js';
import { dotenvNeverThrows, dotenvReadersAgree, envFileReadsBack } from './properties/dotenv.js';
import { launcherStrings } from './properties/launcher.js';
import { scanDetectorsKeepValues } from './properties/scan.js';
import type { FuzzSettings } from './settings.js';

export interface FuzzTarget {
  name: string;
  run: (settings: FuzzSettings) => void | Promise<void>;
}

export const DISPATCH_TARGETS: FuzzTarget[] = [
  { name: 'dispatch: every method', run: dispatchEveryMethod },
  { name: 'dispatch: destructive methods', run: dispatchDestructive },
  { name: 'dispatch: admin proofs', run: dispatchAdminProofs },
];

export const FRAME_TARGETS: FuzzTarget[] = [{ name: 'frame reader', run: frameReaderMatchesModel }];

export const PARSER_TARGETS: FuzzTarget[] = [
  { name: 'CLI arguments', run: cliArgumentsParse },
  { name: 'durations', run: durationsParseAndRoundTrip },
  { name: 'config.json', run: configJsonParses },
  { name: '.secrets.json', run: projectFileParses },
  { name: 'dotenv: random text', run: dotenvNeverThrows },
  { name: 'dotenv: scan reads as dotenv', run: dotenvReadersAgree },
  { name: 'env file reads back', run: envFileReadsBack },
  { name: 'launcher strings', run: launcherStrings },
  { name: 'scan detectors', run: scanDetectorsKeepValues },
];
