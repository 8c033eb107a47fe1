import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../electron/daemon/config.js';
import { killswitchAccelerator } from '../../electron/main/tray-app.js';

test('the killswitch shortcut: the platform default, the configured one, or none', () => {
  assert.equal(killswitchAccelerator(undefined, 'linux'), 'Control+Alt+Shift+K');
  assert.equal(killswitchAccelerator(undefined, 'darwin'), 'Command+Alt+Shift+K');
  assert.equal(killswitchAccelerator('Super+F12', 'linux'), 'Super+F12');
  assert.equal(killswitchAccelerator('', 'linux'), null, '"" turns it off');
});

test('config.json: a shortcut must be modifiers and a key; a bad one names the field', () => {
  assert.equal(parseConfig({ killswitch_shortcut: 'CmdOrCtrl+Shift+K' }).file.killswitch_shortcut, 'CmdOrCtrl+Shift+K');
  assert.equal(parseConfig({ killswitch_shortcut: '' }).file.killswitch_shortcut, '');
  for (const bad of ['K', 'Control+', 'Control+Alt', 'Ctrl+Alt+Delete', 'rm -rf /', 'Control+Alt+Shift+KK']) {
    assert.throws(() => parseConfig({ killswitch_shortcut: bad }), /killswitch_shortcut: must be modifiers and a key/, bad);
  }
});
