/**
 * The two JSON files a person edits: config.json (electron/daemon/config.ts) and a project's
 * .secrets.json (electron/cli/project-config.ts). Any JSON gives a config or INVALID_CONFIG naming a
 * field — never another throw.
 */
import fc from 'fast-check';
import { isDaemonError } from '../../../shared/errors.js';
import { parseConfig } from '../../../electron/daemon/config.js';
import { parseProjectConfig } from '../../../electron/cli/project-config.js';
import { hostileValue, objectOf } from '../hostile.js';
import { type FuzzSettings, parameters } from '../settings.js';

const CONFIG_KEYS = ['default_lease_ttl', 'max_lease_ttl', 'approval_timeout', 'rotation_timeout', 'killswitch_shortcut', 'killswitch_grace', 'heartbeat', 'approvals', 'mcp', 'agents', 'server'];
const NESTED_KEYS = ['enabled', 'url', 'interval', 'timeout', 'failures_before_trigger', 'fail_action', 'policy', 'preapproved', 'deny_cooldown', 'max_pending', 'client_id', 'launcher', 'secrets', 'socket', 'group', 'uids', 'max_connections', 'max_frame_bytes', 'idle_timeout', 'allow_raw_lease'];
const PROJECT_KEYS = ['secrets', 'client_id', 'env_file', 'name', 'env_var', 'ttl'];

/** Objects with the file's real keys at the top and one level down, hostile values below. */
function fileLike(top: string[], nested: string[]): fc.Arbitrary<unknown> {
  const inner = fc.array(fc.tuple(fc.constantFrom(...nested), hostileValue(nested)), { maxLength: 4 }).map(objectOf);
  const value = fc.oneof(hostileValue([...top, ...nested]), inner, fc.array(inner, { maxLength: 3 }));
  return fc.oneof({ arbitrary: fc.array(fc.tuple(fc.constantFrom(...top), value), { maxLength: 5 }).map(objectOf), weight: 4 }, { arbitrary: fc.jsonValue(), weight: 1 });
}

function expectConfigOrInvalid(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!isDaemonError(error) || error.code !== 'INVALID_CONFIG') throw error;
    // "<file>: <field>: <problem>": the person is told where to look.
    if (!/^[^:]+: .*: ./s.test(error.message)) throw new Error(`INVALID_CONFIG without a field: ${error.message}`);
  }
}

export function configJsonParses(settings: FuzzSettings): void {
  fc.assert(fc.property(fileLike(CONFIG_KEYS, NESTED_KEYS), (raw) => expectConfigOrInvalid(() => parseConfig(raw))), parameters(settings));
}

export function projectFileParses(settings: FuzzSettings): void {
  fc.assert(fc.property(fileLike(PROJECT_KEYS, PROJECT_KEYS), (raw) => expectConfigOrInvalid(() => parseProjectConfig(raw, '/srv/project/.secrets.json'))), parameters(settings));
}
