/**
 * Settings of this computer rather than of the daemon: start at login and the command-line tool.
 * Both are app methods that apply at once.
 */
import { useState } from 'react';
import type { CliInstall } from '../../../shared/ui-service.js';
import { Command } from '../../components/Command.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';
import { StartAtLogin } from './StartAtLogin.js';

export function ThisComputer() {
  const bridge = useBridge();
  const [cli, setCli] = useState<CliInstall | null>(null);
  const install = useAction(async () => setCli(await bridge['app.installCli']({})));
  return (
    <fieldset className="this-computer">
      <legend>This computer</legend>
      <StartAtLogin />
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
