/**
 * The dashboard window: the header (state and the killswitch) over five tabs. Before the daemon runs
 * (first run, waiting for the passphrase, a headless daemon to take over) it shows what the person has
 * to do first instead (`app.state`).
 */
import { type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { AppState, UiService } from '../../shared/ui-service.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { BridgeProvider } from '../store/bridge.js';
import { type Slice, createDaemonStore } from '../store/daemon-store.js';
import { type UiError, toUiError } from '../store/ui-error.js';
import { StoreProvider } from '../store/use-daemon.js';
import { ApprovalsView } from './ApprovalsView.js';
import { AuditView } from './AuditView.js';
import { FirstRunView } from './FirstRunView.js';
import { Header } from './Header.js';
import { LeasesView } from './LeasesView.js';
import { SecretsView } from './SecretsView.js';
import { SettingsView } from './SettingsView.js';

/** Each tab, with the store slices it shows (loaded first when the window opens on it). */
const TABS = [
  { id: 'leases', label: 'Leases', View: LeasesView, slices: ['leases'] },
  { id: 'approvals', label: 'Approvals & clients', View: ApprovalsView, slices: ['requests', 'confirmations', 'grants'] },
  { id: 'secrets', label: 'Secrets', View: SecretsView, slices: ['secrets', 'leases'] },
  { id: 'audit', label: 'Audit', View: AuditView, slices: [] },
  { id: 'settings', label: 'Settings', View: SettingsView, slices: [] },
] as const satisfies readonly { id: string; label: string; View: unknown; slices: readonly Slice[] }[];

export type TabId = (typeof TABS)[number]['id'];

/** A tab named in the page's address (`index.html#audit`), so the tray can open the right one. */
export function tabFromHash(hash: string): TabId | undefined {
  return TABS.find((t) => `#${t.id}` === hash)?.id;
}

export function Dashboard({ bridge, initialTab = 'leases' }: { bridge: UiService; initialTab?: TabId }) {
  const [app, setApp] = useState<AppState | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const readState = () =>
    bridge['app.state']({}).then(
      (state) => (setApp(state), setError(null)),
      (caught: unknown) => setError(toUiError(caught)),
    );
  // A layout effect: the first call leaves during the first commit, not after the browser has painted
  // "Starting…" (a passive effect waits for that paint), as the audit timeline's first page does.
  useLayoutEffect(() => void readState(), [bridge]);

  let body;
  if (error !== null) body = <ErrorNote error={error} onRetry={() => void readState()} />;
  else if (app === null) body = <p role="status" className="loading">Starting…</p>;
  else if (app.phase !== 'running') body = <FirstRunView state={app} onState={setApp} />;
  else body = <Running bridge={bridge} initialTab={initialTab} />;
  return (
    <BridgeProvider bridge={bridge}>
      <div className="app">{body}</div>
    </BridgeProvider>
  );
}

function Running({ bridge, initialTab }: { bridge: UiService; initialTab: TabId }) {
  const store = useMemo(() => createDaemonStore(bridge, { first: TABS.find((t) => t.id === initialTab)!.slices }), [bridge]);
  useEffect(() => () => store.close(), [store]);
  const [tab, setTab] = useState<TabId>(initialTab);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  // The tab list's keys (WAI-ARIA tabs pattern): arrows move and select, Home and End jump.
  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const wrapped = (next + TABS.length) % TABS.length;
    setTab(TABS[wrapped]!.id);
    tabs.current[wrapped]?.focus();
  };
  const { View } = TABS.find((t) => t.id === tab)!;
  return (
    <StoreProvider store={store}>
      <Header />
      <nav className="tabs" role="tablist" aria-label="Sections" onKeyDown={onKeyDown}>
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => void (tabs.current[i] = el)}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === tab}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === tab ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main className="panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        <View />
      </main>
    </StoreProvider>
  );
}
