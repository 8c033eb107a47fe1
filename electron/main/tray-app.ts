/**
 * The tray app, composed: the daemon in this process (started by app-lifecycle.ts once the store can
 * be opened), the UI service on one IPC channel per method, the tray and the approval window kept in
 * step with daemon events (never by polling), the killswitch on the tray menu and a global shortcut.
 * Every Electron call goes through `AppShell`, which the one adapter file (electron-adapter.ts)
 * implements and the wiring test replaces with a recording double.
 */
import { isDaemonError } from '../../shared/errors.js';
import type { AdminConfirmationT, ApprovalRequestT, AuditEntryT, DaemonEvent, StatusT } from '../../shared/protocol.js';
import { APP_METHODS, type CliInstall, UI_EVENT_CHANNEL, UI_METHODS, uiChannel } from '../../shared/ui-service.js';
import type { Clock } from '../daemon/clock.js';
import { AppLifecycle, type DaemonModule, type RunningDaemon } from './app-lifecycle.js';
import { ApprovalQueue, approveParams, promptId, settledBeforeOutcome } from './approval-queue.js';
import type { Sealer } from './passphrase-keeper.js';
import type { TrayView } from './tray-model.js';
import { callUi, createUiService } from './ui-service.js';

export type { DaemonModule } from './app-lifecycle.js';

/** The slice of Electron (and of this computer) the app uses, as plain operations (electron-adapter.ts). */
export interface AppShell {
  platform: NodeJS.Platform;
  dataDir: string;
  socketPath: string;
  /** The OS keychain, or null where it must not hold the passphrase. */
  sealer: Sealer | null;
  /** What safeStorage reports (first-run.ts decides whether the passphrase may be kept). */
  keychain: { available: boolean; backend: string };
  /** Shows the tray view; `onClick` gets the id of a clicked menu item. */
  showTray(view: TrayView, onClick: (id: string) => void): void;
  openDashboard(): void;
  /** Shows the approval window for one prompt without taking focus, or closes it (null). */
  showApproval(promptId: string | null): void;
  /** Registers the handler of one IPC channel; the shell refuses calls from any other page. */
  handle(channel: string, handler: (params: unknown) => Promise<unknown>): void;
  /** Sends a message to the app's windows. */
  broadcast(channel: string, payload: unknown): void;
  registerShortcut(accelerator: string, handler: () => void): boolean;
  notify(title: string, body: string): void;
  /** A `secrets serve` daemon answers on this data dir's socket; `stopHeadless` ends it. */
  headlessRunning(): Promise<boolean>;
  stopHeadless(): Promise<void>;
  installCli(): Promise<CliInstall>;
  startAtLogin(): Promise<boolean>;
  setStartAtLogin(enabled: boolean): Promise<boolean>;
  quit(): void;
  log(message: string): void;
}

export const KILLSWITCH_SHORTCUT = { darwin: 'Command+Alt+Shift+K', other: 'Control+Alt+Shift+K' } as const;

/** The killswitch shortcut: config.json's `killswitch_shortcut` ("" for none), else the platform's default. */
export function killswitchAccelerator(configured: string | undefined, platform: NodeJS.Platform): string | null {
  if (configured !== undefined) return configured === '' ? null : configured;
  return platform === 'darwin' ? KILLSWITCH_SHORTCUT.darwin : KILLSWITCH_SHORTCUT.other;
}

export interface TrayApp {
  stop(reason: string): Promise<void>;
}

export interface TrayAppParts {
  /** Decides what the tray shows (tray-model.ts). */
  trayView(status: StatusT | null, waiting: number): TrayView;
  clock: Clock;
}

/**
 * Binds the app, then opens the store if it can without anybody (a kept passphrase, a key file);
 * otherwise the dashboard opens on what the person has to do first (`app.state`).
 */
export async function startTrayApp(shell: AppShell, daemonModule: DaemonModule, parts: TrayAppParts): Promise<TrayApp> {
  const listeners = new Set<(event: DaemonEvent) => void>();
  const lifecycle: AppLifecycle = new AppLifecycle({
    dataDir: shell.dataDir,
    socketPath: shell.socketPath,
    daemonModule,
    sealer: shell.sealer,
    keychain: shell.keychain,
    headlessRunning: () => shell.headlessRunning(),
    stopHeadless: () => shell.stopHeadless(),
    installCli: () => shell.installCli(),
    startAtLogin: () => shell.startAtLogin(),
    setStartAtLogin: (enabled) => shell.setStartAtLogin(enabled),
    onRunning: (daemon) => bind(daemon),
  });
  const ui = createUiService({
    daemon: () => lifecycle.running,
    app: lifecycle,
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  });
  for (const method of [...UI_METHODS, ...APP_METHODS]) shell.handle(uiChannel(method), (params) => callUi(ui, method, params));

  // Prompts one at a time; a prompt nobody answered in time is denied (the queue's timeout). Time is
  // the daemon's own (it runs in this process): the clock its expiries are dated by, which setting the
  // wall clock does not move until the daemon re-dates them.
  const daemonTime: Clock = {
    now: () => lifecycle.running?.core.clock.now() ?? parts.clock.now(),
    setTimer: (callback, delayMs) => parts.clock.setTimer(callback, delayMs),
    clearTimer: (handle) => parts.clock.clearTimer(handle),
  };
  const queue = new ApprovalQueue(daemonTime, (outcome) => {
    const answered =
      outcome.kind === 'confirmation'
        ? ui['confirmations.decide']({ confirmation_id: outcome.confirmation.confirmation_id, allow: outcome.decision.decision === 'allow' })
        : outcome.decision.decision === 'deny'
          ? ui['requests.deny']({ request_id: outcome.request.request_id })
          : ui['requests.approve'](approveParams(outcome.request.request_id, outcome.decision));
    // Already settled elsewhere (the daemon's own timeout, a terminal) is fine: the daemon has an answer.
    void answered.catch((error: unknown) => {
      if (!settledBeforeOutcome(error)) shell.log(`the answer to ${promptId(outcome)} could not be sent: ${describe(error)}`);
    });
  });
  let shown: string | null = null;
  const showCurrent = () => {
    const { current } = queue.state();
    const id = current === null ? null : promptId(current);
    if (id !== shown) shell.showApproval((shown = id));
  };

  let status: StatusT | null = null;
  const waitingCount = () => {
    const { current, waiting } = queue.state();
    return (current === null ? 0 : 1) + waiting;
  };
  const render = () => shell.showTray(parts.trayView(status, waitingCount()), onMenu);
  const refresh = coalesce(async () => {
    status = lifecycle.running === null ? null : await ui.status({});
    render();
  });
  queue.onChange(() => {
    showCurrent();
    render();
  });

  const engage = (reason: string, revoke = true) =>
    void ui['killswitch.engage'](revoke ? { reason } : { reason, revoke }).catch((error: unknown) => shell.log(`killswitch failed: ${describe(error)}`));
  function onMenu(id: string): void {
    if (id === 'killswitch') engage('tray menu');
    else if (id === 'lock') engage('locked from the tray', false);
    else if (id === 'open-dashboard' || id === 'warnings') shell.openDashboard();
    else if (id === 'approvals') showCurrent();
    else if (id === 'quit') void app.stop('quit from the tray').then(() => shell.quit());
  }

  function onEvent(event: DaemonEvent): void {
    for (const listener of listeners) listener(event);
    shell.broadcast(UI_EVENT_CHANNEL, event);
    if (event.type === 'approval.requested') {
      const request = event.data.request as ApprovalRequestT;
      if (queue.add({ kind: 'lease', request })) shell.notify('Approval needed', `${request.client_id} wants ${request.secret_names.join(', ')}`);
    } else if (event.type === 'approval.decided') {
      // Decided in the window (through the UI service), the dashboard, a terminal, or timed out.
      queue.withdraw((event.data.request as ApprovalRequestT).request_id);
    } else if (event.type === 'confirmation.requested') {
      const confirmation = event.data.confirmation as AdminConfirmationT;
      if (queue.add({ kind: 'confirmation', confirmation })) shell.notify('Confirm an admin command', confirmation.command);
    } else if (event.type === 'confirmation.decided') {
      queue.withdraw((event.data.confirmation as AdminConfirmationT).confirmation_id);
    } else if (event.type === 'killswitch.engaged') {
      shell.notify('Killswitch engaged', String(event.data.reason ?? ''));
    } else if (event.type === 'audit.appended' && (event.data.entry as AuditEntryT).action === 'heartbeat.failed') {
      const detail = (event.data.entry as AuditEntryT).detail ?? {};
      shell.notify('Heartbeat failing', `${String(detail.reason ?? 'the endpoint did not answer')} (${String(detail.consecutive_failures ?? '?')} of ${String(detail.failures_before_trigger ?? '?')} before the killswitch)`);
    }
    refresh();
  }

  /** The daemon runs: follow its events, show its state, give the killswitch its shortcut. */
  function bind(daemon: RunningDaemon): void {
    daemon.core.events.subscribe(onEvent);
    const accelerator = killswitchAccelerator(daemon.core.config.file.killswitch_shortcut, shell.platform);
    if (accelerator !== null && !shell.registerShortcut(accelerator, () => engage('global shortcut'))) shell.log(`the killswitch shortcut ${accelerator} is taken by another program`);
    refresh();
  }

  let stopping: Promise<void> | null = null;
  const app: TrayApp = {
    stop: (reason) =>
      (stopping ??= (async () => {
        queue.close();
        await lifecycle.stop(reason);
      })()),
  };

  const state = await lifecycle.begin();
  await refresh.now();
  // Nothing runs until the person acts (create, unlock, take over): show them what to do.
  if (state.phase !== 'running') shell.openDashboard();
  return app;
}

/**
 * Runs `work` once for any number of calls made while it runs (one more afterwards if calls came in
 * meanwhile), so a burst of daemon events costs one status read, not one each.
 */
function coalesce(work: () => Promise<void>): (() => void) & { now(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): Promise<void> => {
    if (running !== null) {
      again = true;
      return running;
    }
    running = work()
      .catch(() => {})
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void run();
        }
      });
    return running;
  };
  return Object.assign(() => void run(), { now: run });
}

function describe(error: unknown): string {
  return isDaemonError(error) ? `${error.code}: ${error.message}` : String(error);
}
