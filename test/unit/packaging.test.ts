// electron-builder.yml against electron-builder's own schema, and the fuses the afterPack hook flips,
// run on a stand-in binary that carries Electron's fuse wire (the real binary is never downloaded here).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
// The validator and YAML reader electron-builder itself uses, resolved as it resolves them.
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const yaml = builderRequire('js-yaml') as { load(text: string): unknown };
const Ajv = (builderRequire('ajv') as { default: new (options: object) => { compile(schema: object): Validate } }).default;
type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null };

interface Fuses {
  FuseV1Options: Record<string, number>;
  FuseVersion: { V1: string };
  getCurrentFuseWire(path: string): Promise<Record<string, number | string>>;
}
const fuses = require('@electron/fuses') as Fuses;
const { FuseV1Options } = fuses;

type AfterPack = ((context: object, flip?: unknown) => Promise<void>) & {
  default: unknown;
  FUSES: Record<string | number, unknown>;
  electronBinaryPath(context: object): string;
  fuseConfigFor(context: object): Record<string | number, unknown>;
};
const afterPack = require('../../scripts/after-pack.cjs') as AfterPack;

type Config = Record<string, any>;
const readConfig = (): Config => yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Config;
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Config;

function schemaValidator(): Validate {
  const schema = JSON.parse(readFileSync(builderRequire.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
  // The options electron-builder's own validateSchema compiles with.
  return new Ajv({ allErrors: true, verbose: true, coerceTypes: true, strict: false }).compile(schema);
}

test("electron-builder.yml matches electron-builder's own schema, which does reject a bad config", () => {
  const validate = schemaValidator();
  const ok = validate(readConfig());
  assert.ok(ok, JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)));
  for (const broken of [
    (c: Config) => (c.mac.notAnOption = true),
    (c: Config) => (c.fuses = { runAsNode: false }),
    (c: Config) => (c.mac.hardenedRuntime = 'sometimes'),
    (c: Config) => (c.linux.target = [{ target: 'AppImage', arch: 'z80' }]),
  ]) {
    const config = readConfig();
    broken(config);
    assert.equal(validate(config), false, broken.toString());
  }
});

test('the app: identity, what goes into app.asar, native addons unpacked, the CLI beside it', () => {
  const config = readConfig();
  assert.equal(config.appId, 'dev.agent-secrets.app');
  assert.equal(config.productName, 'Agent Secrets');
  assert.equal(config.asar, true, 'OnlyLoadAppFromAsar needs an asar');
  assert.ok(config.files.includes('dist/**') && config.files.includes('package.json'));
  assert.ok(config.files.includes('assets/*.png'), 'tray icons are read at run time');
  assert.equal(config.extraMetadata.main, packageJson.main);
  assert.equal(packageJson.main, 'dist/main/main.cjs');
  assert.match(readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8'), /'main\/main': 'electron\/main\/main\.ts'/, 'the build writes the main bundle at that path');
  for (const addon of ['better-sqlite3', 'agent-secrets-peercred']) {
    assert.ok(packageJson.dependencies[addon], `${addon} is a run-time dependency`);
    assert.ok(config.asarUnpack.some((p: string) => p.startsWith(`node_modules/${addon}/`)), `${addon} is unpacked`);
  }
  // electron/main/cli-shim.ts runs `<resources>/cli/cli.cjs` with the machine's Node.js.
  assert.deepEqual(config.extraResources, [{ from: 'dist/cli.cjs', to: 'cli/cli.cjs' }]);
  assert.equal(config.publish, null, 'npm run dist never uploads');
});

test('native addons are rebuilt for Electron while packing, never at npm install', () => {
  const config = readConfig();
  assert.equal(config.npmRebuild, true);
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.doesNotMatch(packageJson.scripts[hook] ?? '', /electron-builder|electron-rebuild|@electron\/rebuild|install-app-deps/, hook);
  }
  assert.equal(packageJson.scripts.dist, 'npm run build && electron-builder');
});

test('platform targets: AppImage and deb, a menu-bar dmg under the hardened runtime, NSIS', () => {
  const config = readConfig();
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.equal(config.linux.category, 'Utility');
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.equal(config.mac.hardenedRuntime, true);
  assert.equal(config.mac.extendInfo.LSUIElement, true, 'a tray app: no Dock icon');
  assert.deepEqual(config.win.target, ['nsis']);
  for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) assert.ok(existsSync(join(ROOT, icon)), icon);

  const entitlements = readFileSync(join(ROOT, config.mac.entitlements), 'utf8');
  const granted = [...entitlements.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]);
  assert.deepEqual(granted, ['com.apple.security.cs.allow-jit'], 'only what V8 needs; no library-validation or dyld loosening');
  assert.equal(config.mac.entitlementsInherit, config.mac.entitlements);
});

test('deb metadata: the project names a homepage and a maintainer (electron-builder refuses the deb without them)', () => {
  assert.match(packageJson.homepage, /^https:\/\//, 'package.json homepage');
  assert.match(packageJson.author?.email ?? '', /@/, 'package.json author email (the deb maintainer)');
});

test('the afterPack hook is the fuse script, and fuses are decided only there', () => {
  const config = readConfig();
  assert.equal(config.afterPack, 'scripts/after-pack.cjs');
  assert.equal(typeof afterPack, 'function');
  assert.equal(afterPack.default, afterPack, 'electron-builder takes the module or its default export');
  assert.equal(config.electronFuses, undefined, 'not also through electronFuses');
  const installed = (require('@electron/fuses/package.json') as { version: string }).version;
  assert.equal(packageJson.devDependencies['@electron/fuses'], installed, 'an explicit, exact devDependency');
});

test('the fuses: no run-as-node, NODE_OPTIONS or inspector; cookies encrypted; only an integrity-checked app.asar', () => {
  const f = afterPack.FUSES;
  assert.equal(f.version, fuses.FuseVersion.V1);
  assert.equal(f.strictlyRequireAllFuses, true, 'a fuse added by a later Electron fails the build until decided');
  assert.equal(f[FuseV1Options.RunAsNode!], false);
  assert.equal(f[FuseV1Options.EnableNodeOptionsEnvironmentVariable!], false);
  assert.equal(f[FuseV1Options.EnableNodeCliInspectArguments!], false);
  assert.equal(f[FuseV1Options.EnableCookieEncryption!], true);
  assert.equal(f[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!], true);
  assert.equal(f[FuseV1Options.OnlyLoadAppFromAsar!], true);
  assert.equal(f[FuseV1Options.GrantFileProtocolExtraPrivileges!], false, 'the pages come from app://, so file:// keeps no extra rights');
  for (const index of Object.values(FuseV1Options).filter((v) => typeof v === 'number')) assert.equal(typeof f[index], 'boolean', `fuse ${index} decided`);
  assert.ok(Object.isFrozen(f));
});

/** A stand-in Electron binary: filler bytes around Electron's fuse sentinel and a wire of `states`. */
function fakeElectron(dir: string, name: string, states: string): string {
  const path = join(dir, name);
  const sentinel = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'latin1');
  writeFileSync(path, Buffer.concat([Buffer.alloc(4096, 0x90), sentinel, Buffer.from([1, states.length]), Buffer.from(states, 'latin1'), Buffer.alloc(4096, 0x90)]));
  return path;
}

const linuxContext = (appOutDir: string) => ({ appOutDir, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'agent-secrets', appInfo: { productFilename: 'Agent Secrets' } } });

test('afterPack flips the fuses of the packed binary (run on a stand-in with Electron 41 defaults)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'after-pack-'));
  try {
    // Electron's defaults: run-as-node on, cookie encryption off, NODE_OPTIONS on, inspect on, …
    const binary = fakeElectron(dir, 'agent-secrets', '10110001');
    const before = readFileSync(binary);
    await afterPack(linuxContext(dir));
    const wire = await fuses.getCurrentFuseWire(binary);
    const on = 49;
    const off = 48;
    assert.equal(wire[FuseV1Options.RunAsNode!], off);
    assert.equal(wire[FuseV1Options.EnableCookieEncryption!], on);
    assert.equal(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable!], off);
    assert.equal(wire[FuseV1Options.EnableNodeCliInspectArguments!], off);
    assert.equal(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!], on);
    assert.equal(wire[FuseV1Options.OnlyLoadAppFromAsar!], on);
    const after = readFileSync(binary);
    assert.equal(after.length, before.length);
    assert.equal(after.subarray(0, 4096).equals(before.subarray(0, 4096)), true, 'nothing but the wire changes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('afterPack refuses a binary with a fuse it has not decided, and a platform it does not know', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'after-pack-'));
  try {
    fakeElectron(dir, 'agent-secrets', '101100011');
    await assert.rejects(afterPack(linuxContext(dir)), /strictlyRequireAllFuses/);
    await assert.rejects(afterPack({ ...linuxContext(dir), electronPlatformName: 'freebsd' }), /no fuse rule for platform freebsd/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("afterPack finds the binary where electron-builder packs it, and redoes Apple silicon's ad-hoc signature", () => {
  const packager = { executableName: 'agent-secrets', appInfo: { productFilename: 'Agent Secrets' } };
  assert.equal(afterPack.electronBinaryPath({ appOutDir: '/out/linux-unpacked', electronPlatformName: 'linux', packager }), join('/out/linux-unpacked', 'agent-secrets'));
  assert.equal(afterPack.electronBinaryPath({ appOutDir: '/out/mac-arm64', electronPlatformName: 'darwin', packager }), join('/out/mac-arm64', 'Agent Secrets.app'));
  assert.equal(afterPack.electronBinaryPath({ appOutDir: '/out/win-unpacked', electronPlatformName: 'win32', packager }), join('/out/win-unpacked', 'Agent Secrets.exe'));
  const arm64 = 3;
  const x64 = 1;
  assert.equal(afterPack.fuseConfigFor({ electronPlatformName: 'darwin', arch: arm64 }).resetAdHocDarwinSignature, true);
  assert.equal(afterPack.fuseConfigFor({ electronPlatformName: 'darwin', arch: x64 }).resetAdHocDarwinSignature, undefined);
  assert.equal(afterPack.fuseConfigFor({ electronPlatformName: 'linux', arch: arm64 }).resetAdHocDarwinSignature, undefined);
  assert.equal(afterPack.fuseConfigFor({ electronPlatformName: 'linux', arch: x64 })[FuseV1Options.RunAsNode!], false);
});
