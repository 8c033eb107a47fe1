import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type AutostartFs,
  type AutostartInput,
  autostartState,
  desktopEntry,
  desktopFilePath,
  disableAutostart,
  enableAutostart,
  execArgument,
  isAutostartEnabled,
  keepAutostartCurrent,
  launchTarget,
  startsAtLogin,
} from '../../electron/main/autostart.js';
import { freshDirs } from '../helpers/temp-dirs.js';

const realFs = fsp as unknown as AutostartFs;
/** A fresh directory per test. */
const fresh = freshDirs('autostart-');

const linux = (home: string, env: AutostartInput['env'] = {}, execPath = '/opt/Agent Secrets/agent-secrets'): AutostartInput => ({
  platform: 'linux',
  home,
  env,
  execPath,
  fs: realFs,
});

describe('autostart: where and what (Linux)', () => {
  test('the entry lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart; a relative XDG_CONFIG_HOME is ignored', () => {
    assert.equal(desktopFilePath('/home/a', { XDG_CONFIG_HOME: '/cfg' }), '/cfg/autostart/agent-secrets.desktop');
    assert.equal(desktopFilePath('/home/a', {}), '/home/a/.config/autostart/agent-secrets.desktop');
    assert.equal(desktopFilePath('/home/a', { XDG_CONFIG_HOME: 'cfg' }), '/home/a/.config/autostart/agent-secrets.desktop');
  });

  test('from an AppImage it starts $APPIMAGE (the mount point is gone after a reboot), else the executable', () => {
    assert.equal(launchTarget('/tmp/.mount_AgentSxyz/agent-secrets', { APPIMAGE: '/home/a/Apps/Agent Secrets-0.1.0.AppImage' }), '/home/a/Apps/Agent Secrets-0.1.0.AppImage');
    assert.equal(launchTarget('/opt/Agent Secrets/agent-secrets', {}), '/opt/Agent Secrets/agent-secrets');
    assert.equal(launchTarget('/opt/x', { APPIMAGE: 'relative.AppImage' }), '/opt/x');
  });

  test('Exec quoting follows the Desktop Entry rules', () => {
    assert.equal(execArgument('/opt/Agent Secrets/agent-secrets'), '"/opt/Agent Secrets/agent-secrets"');
    assert.equal(execArgument('/a/$x"y`z'), '"/a/\\\\$x\\\\"y\\\\`z"');
    assert.equal(execArgument('/a\\b'), '"/a\\\\\\\\b"');
    assert.equal(execArgument('/a/100%'), '"/a/100%%"');
    assert.equal(execArgument('/a\nb'), '"/a\\nb"');
  });
});

describe('autostart: enable, disable, state (Linux, real files)', () => {
  test('enable writes the entry, GNOME-enabled, starting the app with --autostart; disable removes it', async () => {
    const home = fresh();
    const input = linux(home);
    assert.equal(await isAutostartEnabled(input), false);
    const path = join(home, '.config', 'autostart', 'agent-secrets.desktop');
    assert.deepEqual(await enableAutostart(input), { kind: 'desktop-file-written', path });
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^\[Desktop Entry\]\nType=Application\n/);
    assert.match(text, /\nExec="\/opt\/Agent Secrets\/agent-secrets" --autostart\n/);
    assert.match(text, /\nX-GNOME-Autostart-enabled=true\n/);
    assert.deepEqual(await autostartState(input), { enabled: true, upToDate: true });

    assert.deepEqual(await disableAutostart(input), { kind: 'desktop-file-removed', path, existed: true });
    assert.equal(existsSync(path), false);
    assert.equal(await isAutostartEnabled(input), false);
    assert.deepEqual(await disableAutostart(input), { kind: 'desktop-file-removed', path, existed: false });
  });

  test('an entry switched off by the desktop (Hidden=true or X-GNOME-Autostart-enabled=false) counts as off; enabling turns it back on', async () => {
    for (const line of ['Hidden=true', 'X-GNOME-Autostart-enabled=false']) {
      const home = fresh();
      const input = linux(home, { XDG_CONFIG_HOME: join(home, 'cfg') });
      await enableAutostart(input);
      const path = join(home, 'cfg', 'autostart', 'agent-secrets.desktop');
      writeFileSync(path, readFileSync(path, 'utf8').replace('X-GNOME-Autostart-enabled=true\n', `${line}\n`));
      assert.equal(await isAutostartEnabled(input), false, line);
      await enableAutostart(input);
      assert.equal(await isAutostartEnabled(input), true, line);
    }
  });

  test('a key in another group does not count', async () => {
    const home = fresh();
    const input = linux(home);
    await enableAutostart(input);
    const path = desktopFilePath(home, {});
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n[Desktop Action x]\nHidden=true\n`);
    assert.equal(await isAutostartEnabled(input), true);
  });

  test('an updated or moved AppImage: the entry is stale and is rewritten at start; a disabled one is left alone', async () => {
    const home = fresh();
    const old = linux(home, { APPIMAGE: '/home/a/Agent Secrets-0.1.0.AppImage' });
    await enableAutostart(old);
    const updated = linux(home, { APPIMAGE: '/home/a/Agent Secrets-0.2.0.AppImage' });
    assert.deepEqual(await autostartState(updated), { enabled: true, upToDate: false });
    assert.equal(await keepAutostartCurrent(updated), true);
    assert.deepEqual(await autostartState(updated), { enabled: true, upToDate: true });
    assert.match(readFileSync(desktopFilePath(home, {}), 'utf8'), /0\.2\.0\.AppImage/);
    assert.equal(await keepAutostartCurrent(updated), false);

    await disableAutostart(updated);
    assert.equal(await keepAutostartCurrent(old), false);
    assert.equal(existsSync(desktopFilePath(home, {})), false, 'never turned back on behind the person');
  });

  test('an unexpected read error is thrown, not taken for "off"', async () => {
    const input = { ...linux('/home/a'), fs: { ...realFs, readFile: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })) } };
    await assert.rejects(autostartState(input), /EIO/);
  });
});

describe('autostart: macOS and Windows use login items', () => {
  const noFs: AutostartFs = new Proxy({} as AutostartFs, { get: () => () => assert.fail('login items touch no file') });

  for (const platform of ['darwin', 'win32'] as const) {
    test(`${platform}: enable and disable describe the setLoginItemSettings call; state is what Electron reports`, async () => {
      const input: AutostartInput = { platform, home: '/Users/a', env: {}, execPath: '/Applications/Agent Secrets.app/Contents/MacOS/Agent Secrets', fs: noFs };
      assert.deepEqual(await enableAutostart(input), { kind: 'set-login-item', settings: { openAtLogin: true, args: ['--autostart'] } });
      assert.deepEqual(await disableAutostart(input), { kind: 'set-login-item', settings: { openAtLogin: false, args: ['--autostart'] } });
      assert.equal(await isAutostartEnabled(input, { openAtLogin: true }), true);
      assert.equal(await isAutostartEnabled(input, { openAtLogin: false }), false);
      assert.equal(await keepAutostartCurrent(input), false);
    });
  }
});

describe('autostart: what Settings shows (app.startAtLogin)', () => {
  /** Electron's app.getLoginItemSettings, recording how it was asked. */
  const electronReporting = (openAtLogin: boolean) => {
    const asked: { args: string[] }[] = [];
    return { asked, get: (options: { args: string[] }) => (asked.push(options), { openAtLogin }) };
  };

  test('Linux: the autostart entry decides; Electron is not asked (its answer means nothing there)', async () => {
    const home = fresh();
    const electron = electronReporting(true);
    assert.equal(await startsAtLogin(linux(home), electron.get), false, 'no entry: off, whatever Electron says');
    await enableAutostart(linux(home));
    assert.equal(await startsAtLogin(linux(home), electronReporting(false).get), true, 'the entry: on');
    writeFileSync(join(home, '.config', 'autostart', 'agent-secrets.desktop'), desktopEntry('/opt/x').replace('enabled=true', 'enabled=false'));
    assert.equal(await startsAtLogin(linux(home), electron.get), false, 'switched off in the desktop settings: off');
    assert.deepEqual(electron.asked, []);
  });

  for (const platform of ['darwin', 'win32'] as const) {
    test(`${platform}: what Electron reports for the login item set with --autostart`, async () => {
      const input: AutostartInput = { platform, home: '/Users/a', env: {}, execPath: '/Applications/Agent Secrets.app/Contents/MacOS/Agent Secrets', fs: realFs };
      for (const openAtLogin of [true, false]) {
        const electron = electronReporting(openAtLogin);
        assert.equal(await startsAtLogin(input, electron.get), openAtLogin);
        assert.deepEqual(electron.asked, [{ args: ['--autostart'] }], 'asked with the args the item was set with');
      }
    });
  }
});

// GLib's own launcher reads the entry the way GNOME's session does: what it runs is the real check.
const gio = spawnSync('gio', ['--version']).status === 0;
describe('autostart: the entry as GLib reads it', { skip: gio ? false : 'gio not installed' }, () => {
  test('gio launch starts the exact executable, through spaces, quotes, $, backslashes and backticks', async () => {
    for (const name of ['Agent Secrets', `it's "quoted"`, 'cost $HOME', 'back\\slash', 'tick`s`']) {
      const dir = join(fresh(), name);
      mkdirSync(dir);
      const out = join(dir, '..', 'argv.txt');
      const app = join(dir, 'Agent Secrets.AppImage');
      writeFileSync(app, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${out}.tmp' && mv '${out}.tmp' '${out}'\n`, { mode: 0o755 });
      const entry = join(dir, '..', 'agent-secrets.desktop');
      writeFileSync(entry, desktopEntry(app));
      const launched = spawnSync('gio', ['launch', entry], { encoding: 'utf8' });
      assert.equal(launched.status, 0, launched.stderr);
      assert.equal(await waitForFile(out), `${app}\n--autostart\n`, name);
    }
  });
});

/** The launched process runs on its own; wait for the file it writes (renamed into place whole). */
async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 1000 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
  return readFileSync(path, 'utf8');
}
