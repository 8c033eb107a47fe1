/**
 * The Settings tab: the daemon's settings from config.json (`config.get`), edited in groups, each
 * saved on its own (`config.set`: validated by the daemon, which names the field at fault), with
 * the settings that wait for a restart marked; the agent socket for agents of other users; and this
 * computer's own (start at login, CLI).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ResultOf } from '../../shared/protocol.js';
import type { SettingsT } from '../../shared/settings.js';
import { Loaded } from '../components/Loaded.js';
import type { Load } from '../store/daemon-store.js';
import { useBridge } from '../store/bridge.js';
import { toUiError } from '../store/ui-error.js';
import { useDaemon, useStore } from '../store/use-daemon.js';
import { type FieldValue, GROUPS, valueAt, withValue } from './settings/fields.js';
import { SettingsGroup } from './settings/SettingsGroup.js';
import { AgentsOfOtherUsers } from './settings/AgentsOfOtherUsers.js';
import { ThisComputer } from './settings/ThisComputer.js';

type ConfigAnswer = ResultOf<'config.get'>;

export function SettingsView() {
  const bridge = useBridge();
  const [config, setConfig] = useState<Load<ConfigAnswer>>({ state: 'loading' });
  const load = useCallback(() => {
    setConfig({ state: 'loading' });
    bridge['config.get']({}).then(
      (data) => setConfig({ state: 'ready', data }),
      (error: unknown) => setConfig({ state: 'error', error: toUiError(error) }),
    );
  }, [bridge]);
  useEffect(load, [load]);
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <KillswitchNote />
      <Loaded load={config} what="settings" onRetry={load}>
        {(data) => <SettingsForm loaded={data} />}
      </Loaded>
      <AgentsOfOtherUsers />
      <ThisComputer />
    </section>
  );
}

function SettingsForm({ loaded }: { loaded: ConfigAnswer }) {
  const store = useStore();
  const [saved, setSaved] = useState<SettingsT>(loaded.config);
  const [draft, setDraft] = useState<SettingsT>(loaded.config);
  const [restartNeeded, setRestartNeeded] = useState<readonly string[]>(loaded.restart_needed);
  const onChange = useCallback((path: string, value: FieldValue) => setDraft((d) => withValue(d, path, value)), []);
  const onSaved = (result: ResultOf<'config.set'>, paths: readonly string[]) => {
    setSaved(result.config);
    // The saved group takes the daemon's answer; edits not yet saved in other groups stay.
    setDraft((d) => paths.reduce((next, path) => withValue(next, path, valueAt(result.config, path)), d));
    setRestartNeeded(result.restart_needed);
    // TTLs and the approval policy show in the header's status; no event says they changed.
    void store.reload('status');
  };
  return (
    <>
      <p className="muted">
        Saved to <code>{loaded.path}</code>.
      </p>
      {GROUPS.map((group) => (
        <SettingsGroup
          key={group.id}
          group={group}
          saved={saved}
          draft={draft}
          restartNeeded={restartNeeded}
          onChange={onChange}
          onSaved={(result) => onSaved(result, group.fields.map((f) => f.path))}
        />
      ))}
      {saved.approvals.preapproved.length > 0 && (
        <p className="muted">
          {saved.approvals.preapproved.length} pre-approved client(s) are listed in config.json; edit the file to change the list.
        </p>
      )}
    </>
  );
}

function KillswitchNote() {
  const engaged = useDaemon((s) => s.status.state === 'ready' && s.status.data.killswitch.engaged);
  if (!engaged) return null;
  return (
    <p className="note warn" role="note">
      The killswitch is engaged: every lease is refused until it is disengaged. Settings can still be changed; the heartbeat resumes once it is disengaged.
    </p>
  );
}
