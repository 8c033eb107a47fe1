/**
 * `secrets scan`'s detectors (electron/cli/scan/) on random text: they never throw, and the report
 * built from their findings — JSON or for people — never holds a finding's value.
 */
import fc from 'fast-check';
import { detect } from '../../../electron/cli/scan/detect.js';
import { buildReport, humanReport } from '../../../electron/cli/scan/report.js';
import { hostileString } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';

const piece = fc.oneof(
  { arbitrary: fc.constantFrom('API_KEY=', 'password: ', 'export GITHUB_TOKEN=', '"secret": "', 'ghp_', 'AKIA', 'sk-', 'eyJ', 'postgres://u:', '@db/x', 'machine x login y password ', '#', '\n', '"', "'", ' '), weight: 3 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9+/_-]{8,44}$/), weight: 2 },
  { arbitrary: hostileString, weight: 1 },
);
const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

export function scanDetectorsKeepValues(settings: FuzzSettings): void {
  fc.assert(
    fc.property(text, fc.constantFrom('dotenv', 'netrc', 'lines') as fc.Arbitrary<'dotenv' | 'netrc' | 'lines'>, (content, format) => {
      const found = detect(content, format).map((d) => ({ ...d, file: '.env' }));
      const report = buildReport({ root: '/srv/project', filesSeen: 1, filesRead: 1, ignoredDirs: 0, found, envFiles: [] });
      const shown = `${JSON.stringify(report)}\n${humanReport(report, '.')}`;
      for (const finding of found) {
        // A value that is also the key's own name or a word of the report's text is not a leak.
        if (finding.secret.length >= 8 && shown.includes(finding.secret) && !(finding.key ?? '').includes(finding.secret)) throw new Error(`the report shows a ${finding.kind} value`);
      }
    }),
    parameters(settings),
  );
}
