/**
 * The `mcp` settings of config.json, read by `secrets mcp` itself when it starts: the daemon's
 * `config.get` is admin-only, and the file is the person's own. Whatever keeps the file from being
 * read or understood leaves every option off, so a broken file never turns raw leases on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpSettings } from '../../shared/settings.js';

export type McpSettingsT = ReturnType<typeof McpSettings.parse>;

const OFF: McpSettingsT = { allow_raw_lease: false };

export function readMcpSettings(dataDir: string, warn: (line: string) => void): McpSettingsT {
  const path = join(dataDir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${path} (${(error as Error).message}): mcp options stay off`);
    return OFF;
  }
  const section = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).mcp : undefined;
  const parsed = McpSettings.safeParse(section);
  if (parsed.success) return parsed.data;
  warn(`${path}: mcp: ${parsed.error.issues[0]?.message ?? 'invalid'}: mcp options stay off`);
  return OFF;
}
