/**
 * The tray app, composed: the daemon in this process, the UI service on one IPC channel per method,
 * the tray and the approval window kept in step with daemon events (never by polling), the killswitch
 * on the tray menu and a global shortcut. Every Electron call goes through `AppShell`, which the one
 * adapter file (electron-adapter.ts) implements and the wiring test replaces with a recording double.
 */
import { isDaemonError } from '../../shared/errors.js';
import type { AdminConfirmationT, ApprovalRequestT, DaemonEvent, StatusT } from '../../shared/protocol.js';
import { UI_EVENT_CHANNEL, UI_METHODS, uiChannel } from '../../shared/ui-service.js';
import type { Clock } from '../daemon/clock.js';
import { ApprovalQueue, approveParams, promptId } from './approval-queue.js';
import type { TrayView } from './tray-model.js';
import { type Sealer, loadSavedPassphrase } from './passphrase-keeper.js';
import { type DaemonHandle, callUi, createUiService } from './ui-service.js';

/** The slice of Electron the app uses, as plain operations (electron-adapter.ts implements it). */
export interface AppShell {
  platform: NodeJS.Platform;
  dataDir: string;
  socketPath: string;
  /** The OS keychain, or null where it must not hold the passphrase (first-run.ts decides). */
  sealer: Sealer | null;
  /** Shows the tray view; `onClick` gets the id of a clicked menu item. */
  showTray(view: TrayView, onClick: (id: string) => void): void;
  openDashboard(): void;
  /** Shows the approval window for one prompt without taking focus, or closes it (null). */
  showApproval(requestId: string | null): void;
  /** Registers the handler of one IPC channel; the shell refuses calls from any other page. */
  handle(channel: string, handler: (params: unknown) => Promise<unknown>): void;
  /** Sends a message to the app's windows. */
  broadcast(channel: string, payload: unknown): void;
  registerShortcut(accelerator: string, handler: () => void): boolean;
  notify(title: string, body: string): void;
  quit(): void;
  log(message: string): void;
}

/** What the composition needs from electron/daemon (loaded on demand, like the CLI's `serve`). */
export interface DaemonModule {
  detectProtection(dataDir: string): 'passphrase' | 'insecure-keyfile' | null;
  startDaemon(options: { dataDir: string; socketPath: string; passphrase?: string; confirmAdminInWindow?: boolean }): Promise<DaemonHandle & { stop(reason: string): Promise<void> }>;
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
 * Starts the daemon in this process and binds the app to it.
 * @throws DaemonError when the store cannot be opened (no store, no passphrase to unlock it with,
 * a daemon already running on the data dir): the adapter tells the person.
 */
export async function startTrayApp(shell: AppShell, daemonModule: DaemonModule, parts: TrayAppParts): Promise<TrayApp> {
  const passphrase = await unlockPassphrase(shell, daemonModule);
  const daemon = await daemonModule.startDaemon({ dataDir: shell.dataDir, socketPath: shell.socketPath, passphrase, confirmAdminInWindow: true });
  const ui = createUiService(daemon);
  for (const method of UI_METHODS) shell.handle(uiChannel(method), (params) => callUi(ui, method, params));

  // Prompts one at a time; a prompt nobody answered in time is denied (the queue's timeout).
  const queue = new ApprovalQueue(parts.clock, (outcome) => {
    const answered =
      outcome.kind === 'confirmation'
        ? ui['confirmations.decide']({ confirmation_id: outcome.confirmation.confirmation_id, allow: outcome.decision.decision === 'allow' })
        : outcome.decision.decision === 'deny'
          ? ui['requests.deny']({ request_id: outcome.request.request_id })
          : ui['requests.approve'](approveParams(outcome.request.request_id, outcome.decision));
    // Already settled elsewhere (the daemon's own timeout, a terminal) is fine: the daemon has an answer.
    void answered.catch(() => {});
  });
  let shown: string | null = null;
  const showCurrent = () => {
    const { current } = queue.state();
    const id = current === null ? null : promptId(current);
    if (id !== shown) shell.showApproval((shown = id));
  };
  queue.onChange(() => {
    showCurrent();
    render();
  });

  let status: StatusT | null = null;
  const waitingCount = () => {
    const { current, waiting } = queue.state();
    return (current === null ? 0 : 1) + waiting;
  };
  const render = () => shell.showTray(parts.trayView(status, waitingCount()), onMenu);
  const refresh = coalesce(async () => {
    status = await ui.status({});
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

  ui.onEvent((event: DaemonEvent) => {
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
    }
    refresh();
  });

  const accelerator = killswitchAccelerator(daemon.core.config.file.killswitch_shortcut, shell.platform);
  if (accelerator !== null && !shell.registerShortcut(accelerator, () => engage('global shortcut'))) shell.log(`the killswitch shortcut ${accelerator} is taken by another program`);
  await refresh.now();

  let stopping: Promise<void> | null = null;
  const app: TrayApp = {
    stop: (reason) =>
      (stopping ??= (async () => {
        queue.close();
        await daemon.stop(reason);
      })()),
  };
  return app;
}

/**
 * The passphrase to unlock with: none for a plaintext key file, else the one the keychain keeps.
 * @throws DaemonError when there is none to use (asking for it in a window comes with the renderer).
 */
async function unlockPassphrase(shell: AppShell, daemonModule: DaemonModule): Promise<string | undefined> {
  const protection = daemonModule.detectProtection(shell.dataDir);
  if (protection !== 'passphrase') return undefined;
  const saved = shell.sealer === null ? { kind: 'none' as const } : await loadSavedPassphrase(shell.dataDir, shell.sealer);
  if (saved.kind === 'present') return saved.passphrase;
  const { DaemonError } = await import('../../shared/errors.js');
  throw new DaemonError('USAGE', 'the store is locked and the app has no saved passphrase to open it with', 'start the daemon in a terminal instead: secrets serve');
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
