/**
 * What the tray app does when it starts, decided from what it found (DESIGN.md §3 "Identity", §6):
 * whether a headless daemon must be taken over, whether the store is created, unlocked from a saved
 * passphrase or by asking, and what is offered on the first run. The adapter gathers the facts and
 * carries out the steps in order; nothing here touches Electron, the disk or the keyring.
 *
 * The rule that matters: the passphrase is remembered with Electron's safeStorage only when an OS
 * keyring really protects it. On Linux without a keyring Electron falls back to `basic_text`, which
 * "encrypts" with a password built into Chromium — anyone who can read the file can decrypt it — so
 * the app asks at every start instead, and says why.
 */
import { missingCase } from '../../shared/errors.js';

export type StoreKind = 'none' | 'passphrase' | 'insecure-keyfile';

export interface StartFacts {
  /** What the data dir holds: nothing yet, `identity.age`, or the plaintext `identity.key`. */
  store: StoreKind;
  /** A passphrase saved by an earlier start; `unreadable` when safeStorage could not decrypt it. */
  savedPassphrase: 'none' | 'present' | 'unreadable';
  /** `safeStorage.isEncryptionAvailable()`, and on Linux `getSelectedStorageBackend()`, else 'os'. */
  safeStorage: { available: boolean; backend: string };
  /** A `secrets serve` daemon already answers on this data dir's socket. */
  headlessDaemonRunning: boolean;
}

export type UnlockStep = {
  kind: 'unlock';
  from: 'saved' | 'ask';
  /** Offer "Remember on this computer" next to the passphrase field. */
  offerRemember: boolean;
  /** Shown with the passphrase field when the person is asked although they might expect not to be. */
  note?: string;
  /** For `from: 'saved'`: what to do when the saved passphrase does not unlock the store. */
  fallback?: UnlockStep;
};

export type FirstRunStep =
  | { kind: 'take-over-headless'; message: string }
  | { kind: 'create-store'; askPassphrase: true; offerRemember: boolean; note?: string }
  | UnlockStep
  | { kind: 'adopt-insecure-keyfile'; warn: string }
  | { kind: 'offer-cli-install' }
  | { kind: 'offer-start-at-login' };

/** Backends that keep the key in an OS keyring: macOS Keychain / Windows DPAPI ('os'), and Linux keyrings. */
const KEYRING_BACKENDS = new Set(['os', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

/**
 * Whether safeStorage may hold the passphrase, and if not, the sentence that tells the person why.
 * Fails closed: an unknown or future backend name is not trusted ('unknown' is also what Electron
 * reports before the app is ready).
 */
export function rememberPolicy(safeStorage: StartFacts['safeStorage']): { allowed: true } | { allowed: false; why: string } {
  if (!safeStorage.available) {
    return { allowed: false, why: 'This computer offers no keychain the app can use, so the passphrase is asked at each start.' };
  }
  if (safeStorage.backend === 'basic_text') {
    return {
      allowed: false,
      why:
        'No keyring (GNOME Keyring or KWallet) is running, so the passphrase could only be saved in a form anyone who can read your files could decrypt. It is asked at each start instead; install or unlock a keyring to be offered "Remember".',
    };
  }
  if (!KEYRING_BACKENDS.has(safeStorage.backend)) {
    return { allowed: false, why: `The keyring backend "${safeStorage.backend}" is not one the app trusts, so the passphrase is asked at each start.` };
  }
  return { allowed: true };
}

const HEADLESS_MESSAGE =
  'A headless Agent Secrets daemon (secrets serve) is already running on this data directory. The app can stop it and run the daemon itself; agents reconnect to the same socket. Leases stay valid across the switch.';

const INSECURE_WARNING =
  'This store keeps its key unencrypted in identity.key (created with --insecure-keyfile). Anything running as you can read it and decrypt every secret without asking, and nothing proves a person approved an admin action. Use it only for tests; create a passphrase-protected store for real secrets.';

/** The steps for this start, in order. */
export function firstRunSteps(facts: StartFacts): FirstRunStep[] {
  const steps: FirstRunStep[] = [];
  // A live daemon is never displaced silently (§3): the person says so first.
  if (facts.headlessDaemonRunning) steps.push({ kind: 'take-over-headless', message: HEADLESS_MESSAGE });

  const remember = rememberPolicy(facts.safeStorage);
  const offerRemember = remember.allowed;
  const whyNot = remember.allowed ? undefined : remember.why;

  switch (facts.store) {
    case 'none':
      steps.push({ kind: 'create-store', askPassphrase: true, offerRemember, ...noted(whyNot) });
      // First run: the app made the store. A store made headless came with a CLI already, and both
      // offers stay in Settings for everyone.
      steps.push({ kind: 'offer-cli-install' }, { kind: 'offer-start-at-login' });
      break;
    case 'passphrase':
      steps.push(unlockStep(facts.savedPassphrase, remember));
      break;
    case 'insecure-keyfile':
      steps.push({ kind: 'adopt-insecure-keyfile', warn: INSECURE_WARNING });
      break;
    default:
      throw missingCase(facts.store);
  }
  return steps;
}

function unlockStep(saved: StartFacts['savedPassphrase'], remember: ReturnType<typeof rememberPolicy>): UnlockStep {
  const ask = (note: string | undefined): UnlockStep => ({ kind: 'unlock', from: 'ask', offerRemember: remember.allowed, ...noted(note) });
  if (!remember.allowed) {
    // A passphrase saved while a keyring was running is left alone (the keyring may come back), but not used.
    return ask(remember.why);
  }
  switch (saved) {
    case 'present':
      return {
        kind: 'unlock',
        from: 'saved',
        offerRemember: false,
        fallback: ask('The saved passphrase did not unlock the store (was it changed?). Enter the current one.'),
      };
    case 'unreadable':
      return ask('The saved passphrase could not be read from the keyring (it may have been reset or locked). Enter it again.');
    case 'none':
      return ask(undefined);
    default:
      throw missingCase(saved);
  }
}

/** A `note` field only when there is something to say, so a step without one has no such key. */
function noted(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}
