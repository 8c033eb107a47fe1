/**
 * Start at login as one checkbox showing what is true now (`app.startAtLogin`: the autostart entry
 * or the OS login item), changed at once (`app.setStartAtLogin`), showing what the app then reports.
 * While the state is unknown (loading, or it could not be read) the box is disabled, not a guess.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useAction } from '../../components/use-action.js';
import { useBridge } from '../../store/bridge.js';

export function StartAtLogin() {
  const bridge = useBridge();
  const note = useId();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const read = useAction(async () => setEnabled((await bridge['app.startAtLogin']({})).enabled));
  const change = useAction(async (on: boolean) => setEnabled((await bridge['app.setStartAtLogin']({ enabled: on })).enabled));
  const load = useCallback(() => void read.run(), [read.run]);
  useEffect(load, [load]);
  const known = enabled !== null;
  return (
    <div className="setting">
      <label className="inline">
        <input
          type="checkbox"
          checked={enabled === true}
          disabled={!known || change.busy}
          aria-describedby={note}
          onChange={(event) => void change.run(event.target.checked)}
        />
        Start Agent Secrets when I log in
      </label>
      <small id={note} className="muted">
        {!known ? (read.busy ? 'Checking…' : '') : enabled ? 'On: it starts in the tray when you log in.' : 'Off: start it yourself after logging in.'}
      </small>
      <ErrorNote error={read.error} onRetry={load} />
      <ErrorNote error={change.error} />
    </div>
  );
}
