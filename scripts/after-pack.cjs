// electron-builder `afterPack` hook (electron-builder.yml): flips the Electron fuses of the packed app
// before it is signed, so the OS signature then holds them (DESIGN.md §6 Security).
//
// Why each one: the app's process hosts the daemon, holds the unlocked identity and acts as the person
// in its window. An agent running as the same user must not be able to start that binary as a plain
// Node.js (RunAsNode), inject code into it at start (NODE_OPTIONS, --inspect, a debugger via SIGUSR1),
// or make it load app code from anywhere but its own, integrity-checked app.asar.
'use strict';

const path = require('node:path');
const { FuseV1Options, FuseVersion, flipFuses } = require('@electron/fuses');

/** Every fuse, set on purpose: `strictlyRequireAllFuses` fails the build when Electron adds one. */
const FUSES = Object.freeze({
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the app into a Node.js any process can feed a script; the CLI is a
  // plain-Node script for that reason (electron/main/cli-shim.ts).
  [FuseV1Options.RunAsNode]: false,
  // Chromium's cookie store encrypted with the OS key, as Chrome does (the window keeps none, but free).
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS: `--require evil.js` at start of the process that holds the key.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk and the SIGUSR1 inspector: a debugger attached to the daemon.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar checked against the hash embedded in the signed binary (macOS, Windows)...
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // ...and only app.asar is ever loaded (no `app/` folder next to it, no default_app.asar).
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Electron's default: one V8 snapshot for every process.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The pages are served from the app:// scheme (electron/main/window-policy.ts APP_SCHEME), so
  // file:// gets no privileges beyond a plain browser's.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
});

/**
 * The Electron binary (or .app bundle) in a packed output directory, from electron-builder's
 * AfterPackContext. Throws for a platform it does not know, so a new target cannot ship unfused.
 */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`after-pack: no fuse rule for platform ${electronPlatformName}`);
  }
}

/** electron-builder's Arch enum value for arm64 (builder-util `Arch.arm64`). */
const ARCH_ARM64 = 3;

/** The fuse config for one packed app: FUSES, and on Apple silicon the ad-hoc signature redone. */
function fuseConfigFor(context) {
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // Flipping a fuse breaks the ad-hoc signature an arm64 macOS binary must carry to run at all; the
  // real signature, when there is one, is made after this hook.
  return darwin && context.arch === ARCH_ARM64 ? { ...FUSES, resetAdHocDarwinSignature: true } : { ...FUSES };
}

async function afterPack(context, flip = flipFuses) {
  await flip(electronBinaryPath(context), fuseConfigFor(context));
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.electronBinaryPath = electronBinaryPath;
module.exports.fuseConfigFor = fuseConfigFor;
