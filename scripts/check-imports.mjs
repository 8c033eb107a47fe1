#!/usr/bin/env node
// Enforces the layering table of DESIGN.md §2: where code may run decides what it may import.
// Run by `npm test`; exits 1 and names every forbidden import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Layers by path prefix, most specific first. `may` lists the layers a file may import from. */
export const LAYERS = [
  { name: 'cli/in-process', prefix: 'electron/cli/in-process/', may: ['shared', 'cli', 'cli/in-process', 'daemon'], builtins: true, packages: false },
  { name: 'shared', prefix: 'shared/', may: ['shared'], builtins: false, packages: true },
  { name: 'daemon', prefix: 'electron/daemon/', may: ['shared', 'daemon'], builtins: true, packages: true },
  // `secrets scan`, its own bundle loaded on demand: it may use npm packages (gitignore matching).
  { name: 'cli/scan', prefix: 'electron/cli/scan/', may: ['shared', 'cli', 'cli/scan'], builtins: true, packages: true },
  { name: 'cli', prefix: 'electron/cli/', may: ['shared', 'cli', 'cli/in-process', 'cli/scan'], builtins: true, packages: false },
  // `secrets mcp`: a client like the CLI, with the MCP SDK; the CLI loads it only as a separate bundle.
  { name: 'mcp', prefix: 'electron/mcp/', may: ['shared', 'cli', 'mcp'], builtins: true, packages: true },
  { name: 'main', prefix: 'electron/main/', may: ['shared', 'daemon', 'cli', 'cli/in-process', 'main'], builtins: true, packages: true, electron: true },
  { name: 'preload', prefix: 'electron/preload/', may: ['shared', 'preload'], builtins: false, packages: false, electron: true },
  // The window's build config runs in Node at build time, never in the window.
  { name: 'renderer build', prefix: 'renderer/vite.config.ts', may: [], builtins: true, packages: true },
  { name: 'renderer', prefix: 'renderer/', may: ['shared', 'renderer'], builtins: false, packages: true },
];

/**
 * Inside the daemon, each folder holds one concern and may use only the concerns below it, so a rule
 * (who may call what, how a lease ends, what is audited) lives in one place and nothing low reaches up.
 * `base` is the daemon's own root files that everything uses; `compose` the root files that wire it.
 */
export const DAEMON_FOLDERS = {
  base: [],
  store: ['base'],
  callers: ['base'],
  auth: ['base', 'store', 'audit', 'callers'],
  audit: ['base', 'store'],
  imports: ['base', 'store'],
  secrets: ['base', 'store', 'audit'],
  approvals: ['base', 'store', 'audit', 'callers'],
  leases: ['base', 'store', 'audit', 'callers', 'secrets'],
  processes: ['base', 'store', 'audit', 'callers'],
  rotation: ['base', 'store', 'audit', 'secrets', 'leases'],
  killswitch: ['base', 'store', 'audit', 'secrets', 'approvals', 'leases', 'processes', 'rotation'],
  server: ['base', 'store', 'audit', 'callers', 'auth', 'secrets', 'approvals', 'leases', 'processes', 'rotation', 'killswitch', 'compose'],
  compose: null,
};
const DAEMON_BASE_FILES = new Set(['clock', 'config', 'logger', 'events']);

/** The daemon folder of a path under electron/daemon/, or null for a path elsewhere. */
function daemonFolderOf(path) {
  if (!path.startsWith('electron/daemon/')) return null;
  const rest = path.slice('electron/daemon/'.length);
  const slash = rest.indexOf('/');
  if (slash !== -1) return rest.slice(0, slash);
  return DAEMON_BASE_FILES.has(rest.replace(/\.(ts|js)$/, '')) ? 'base' : 'compose';
}

/** The daemon-internal rule for one relative import, or null when it is allowed. */
function daemonViolation(file, target) {
  const from = daemonFolderOf(file);
  const to = daemonFolderOf(target);
  if (from === null || to === null || from === to) return null;
  const may = DAEMON_FOLDERS[from];
  if (may === undefined) return `electron/daemon/${from}/ is not in the daemon's folder table (scripts/check-imports.mjs)`;
  if (may === null || may.includes(to)) return null;
  return `daemon/${from} must not import daemon/${to}`;
}

function layerOf(path) {
  return LAYERS.find((layer) => path.startsWith(layer.prefix));
}

function sourceFiles(root, dir = root) {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(root, path);
    return /\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

/** Returns a list of violations: `file: imports "x" (reason)`. */
export function checkImports(root) {
  const violations = [];
  for (const file of sourceFiles(root)) {
    const layer = layerOf(file);
    if (!layer) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      const bad = (reason) => violations.push(`${file}: imports "${spec}" (${reason})`);
      if (spec === 'electron' || spec.startsWith('electron/')) {
        if (!layer.electron) bad(`${layer.name} must not import electron`);
      } else if (BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) {
        if (!layer.builtins) bad(`${layer.name} must not use Node built-ins`);
      } else if (spec.startsWith('.')) {
        const target = relative(root, resolve(root, dirname(file), spec)).split(sep).join('/');
        const targetLayer = layerOf(target.endsWith('/') ? target : target + (statSafe(join(root, target)) ? '/' : ''));
        if (!targetLayer) bad(`${layer.name} may only import ${layer.may.join(', ')}`);
        else if (!layer.may.includes(targetLayer.name)) bad(`${layer.name} must not import ${targetLayer.name}`);
        else {
          const inner = daemonViolation(file, target);
          if (inner) bad(inner);
        }
      } else if (!layer.packages) {
        bad(`${layer.name} must not import npm packages (keep it a thin client)`);
      }
    }
  }
  return violations;
}

function statSafe(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const violations = checkImports(root);
  for (const v of violations) console.error(`forbidden import: ${v}`);
  if (violations.length > 0) process.exit(1);
  console.log('import rules: ok');
}
