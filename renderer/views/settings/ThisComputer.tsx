/**
 * Settings of this computer rather than of the daemon: start at login and the command-line tool.
 * Both are app methods that apply at once. The app does not report whether it starts at login, so
 * the window offers both choices and says what it did.
 */
import { useState } from 'react';
import type { CliInstall } from '../../../shared/ui-service.js';
import { Command } from '../../components/Command.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';

export function ThisComputer() {
  const bridge = useBridge();
  const [login, setLogin] = useState<boolean | null>(null);
  const [cli, setCli] = useState<CliInstall | null>(null);
  const startAtLogin = useAction(async (enabled: boolean) => setLogin((await bridge['app.setStartAtLogin']({ enabled })).enabled));
  const install = useAction(async () => setCli(await bridge['app.installCli']({})));
  return (
    <fieldset className="this-computer">
      <legend>This computer</legend>
      <div className="toolbar" role="group" aria-label="Start at login">
        <span>Start Agent Secrets when I log in:</span>
        <button type="button" disabled={startAtLogin.busy} onClick={() => void startAtLogin.run(true)}>
          Start at login
        </button>
        <button type="button" disabled={startAtLogin.busy} onClick={() => void startAtLogin.run(false)}>
          Don't start at login
        </button>
        {login !== null && <span role="status">{login ? 'Agent Secrets starts when you log in.' : 'Agent Secrets does not start when you log in.'}</span>}
      </div>
      <ErrorNote error={startAtLogin.error} />
      <div className="toolbar">
        <button type="button" disabled={install.busy} onClick={() => void install.run()}>
          {install.busy ? 'Installing…' : 'Install the command-line tool'}
        </button>
      </div>
      {cli !== null && (
        <div role="status" className="cli-install">
          {cli.installed ? <p>
              Installed: the <code>secrets</code> command is at
            </p> : <p>Not installed.</p>}
          {cli.path !== null && <Command text={cli.path} />}
          {cli.hint !== undefined && <p className="muted">{cli.hint}</p>}
        </div>
      )}
      <ErrorNote error={install.error} />
    </fieldset>
  );
}
