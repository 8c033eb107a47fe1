// Bundles the CLI and the daemon with esbuild: one file each, so a cold `secrets lease` loads one
// small module and never TypeScript, SQLite or age.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __BUNDLED__: 'true' },
};

await Promise.all([
  // CommonJS: Node loads one CJS file faster than an ES module graph, and a cold start is the budget.
  build({ ...common, format: 'cjs', entryPoints: { cli: 'electron/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, minify: true, logOverride: { 'empty-import-meta': 'silent' } }),
  // `secrets scan` apart (with `ignore`): the CLI requires it only for that command.
  build({ ...common, format: 'cjs', entryPoints: { scan: 'electron/cli/scan/index.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, minify: true }),
  // `secrets mcp` loads this on demand: the MCP SDK and zod stay out of the CLI bundle.
  build({ ...common, format: 'cjs', entryPoints: { mcp: 'electron/mcp/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, logOverride: { 'empty-import-meta': 'silent' } }),
  build({ ...common, entryPoints: { locations: 'shared/locations.ts' }, outdir: 'dist', outExtension: { '.js': '.mjs' } }),
  build({
    ...common,
    entryPoints: { daemon: 'electron/daemon/index.ts', 'audit-verify-worker': 'electron/daemon/audit/audit-verify-worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    external: ['better-sqlite3', 'agent-secrets-peercred'],
    // age-encryption and zod are ESM; the native addons (better-sqlite3, peer credentials) stay
    // runtime dependencies, loaded through this require.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  }),
  // The window's preload: a sandboxed preload can require nothing but `electron`, so it is one CommonJS
  // file with shared/ inlined.
  build({ ...common, format: 'cjs', entryPoints: { preload: 'electron/preload/preload.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
  // The tray app's main process: CommonJS as Electron's `main` expects; it loads the daemon bundle
  // beside it at run time, and Electron itself is never bundled.
  build({
    ...common,
    format: 'cjs',
    entryPoints: { 'main/main': 'electron/main/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    external: ['electron', 'better-sqlite3', 'agent-secrets-peercred'],
    // Modules shared with the ESM daemon fall back to import.meta only where `require` is missing.
    logOverride: { 'empty-import-meta': 'silent' },
  }),
]);

// The window (React): Vite builds its two pages into dist/renderer (renderer/vite.config.ts).
await viteBuild({ configFile: 'renderer/vite.config.ts' });
