/**
 * config.get / config.set (admin): the settings of config.json as the window edits them. The file is
 * the truth: a change is merged into it as written, validated whole by the parser the daemon starts
 * with, written atomically, audited by key name (never value: a heartbeat URL may hold a token) and
 * put into effect at once where the daemon can; the rest is reported as waiting for a restart.
 */
import { join } from 'node:path';
import type { SettingsT } from '../../../../shared/settings.js';
import { type Config, parseConfig } from '../../config.js';
import type { Core } from '../../core.js';
import { changedKeys, mergeConfig, readConfigFile, writeConfigFile } from '../../store/config-file.js';
import { FILES } from '../../store/paths.js';
import type { HandlerGroup } from './types.js';

export function configHandlers(core: Core): HandlerGroup<'config.get' | 'config.set'> {
  const path = join(core.options.dataDir, FILES.config);
  /** Saved keys that differ from what runs: changed by hand since start, or not live-applicable. */
  const waitingForRestart = (saved: Config) => changedKeys(settingsOf(saved), settingsOf(core.config));

  return {
    'config.get': () => {
      const saved = parseConfig(readConfigFile(path), path);
      return { config: settingsOf(saved), path, restart_needed: waitingForRestart(saved) };
    },

    'config.set': (change) => {
      const raw = readConfigFile(path);
      // The field names in errors are the file's (`config.json: heartbeat.url: …`), as the window shows them.
      const merged = mergeConfig(raw, change);
      const saved = parseConfig(merged, FILES.config);
      const before = tryParse(raw) ?? core.config;
      const changed = changedKeys(settingsOf(before), settingsOf(saved));
      if (changed.length > 0) {
        // Audited in the same transaction as the write: a failed write leaves no entry, a failed audit no change.
        core.journal.run((tx) => {
          tx.audit({ action: 'config.changed', detail: { keys: changed } });
          writeConfigFile(path, merged);
        });
        core.applyConfig(saved);
      }
      return { config: settingsOf(saved), path, changed, restart_needed: waitingForRestart(saved) };
    },
  };
}

/**
 * The editable part of a config: everything but the socket server's limits and the agent socket
 * (who may connect as an agent is set in the file, with `sudo secrets agent-user add`, not a toggle).
 */
function settingsOf(config: Config): SettingsT {
  const { server: _server, agents: _agents, ...settings } = config.file;
  return settings;
}

function tryParse(raw: unknown): Config | null {
  try {
    return parseConfig(raw);
  } catch {
    return null;
  }
}
