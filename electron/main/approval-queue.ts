/**
 * The person is the approval: the app shows the prompts that need a person one at a time, oldest
 * first — lease approval requests from agents, and confirmations of admin commands typed in a terminal
 * (DESIGN.md §4 "Admin actions", §6 "Approval window"). This queue decides which prompt is shown and
 * how each one ends; the Electron adapter only shows or hides the approval window when it changes and
 * sends each outcome to the daemon.
 *
 * How a prompt ends, and why:
 * - the person decides it while it is shown (`decide`), and only while it is shown: a click meant for
 *   a prompt that has since gone never lands on the next one, and a prompt nobody saw is never decided;
 * - its `expires_at` passes: it is denied (`by: 'timeout'`). The daemon times out too, but a prompt
 *   left on screen after that would invite a click that means nothing, so the queue never shows one;
 * - the daemon withdraws it (decided in the dashboard or the CLI, withdrawn by its client, expired):
 *   it leaves without an outcome, since the daemon already has one;
 * - a flood pushes it out. At most `capacity` prompts are held; beyond that the oldest waiting ones
 *   are dropped from the UI — never approved, never denied by the app. The daemon still holds them and
 *   denies them at their own timeout, and they stay listed in the dashboard's Approvals tab. Dropping
 *   the oldest keeps what is happening now (the command the person just typed) within reach; the one
 *   on screen is never swapped out from under the person's cursor.
 */
import { z } from 'zod';
import { isDaemonError, missingCase } from '../../shared/errors.js';
import type { AdminConfirmationT, ApprovalRequestT, ParamsOf } from '../../shared/protocol.js';
import type { Clock } from '../daemon/clock.js';
import { MAX_TIMER_DELAY_MS } from '../daemon/clock.js';

/** A terminal's admin command waiting for a person to confirm it in the app (shared/protocol.ts). */
export { AdminConfirmation, type AdminConfirmationT } from '../../shared/protocol.js';

/** How long a grant given from the prompt lasts; "forever" is until revoked. */
export const GRANT_DURATIONS = ['10m', '1h', '8h', 'forever'] as const;

/** The person's answer to a lease request. Validated here because it arrives from the window. */
export const LeaseDecision = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('deny') }).strict(),
  z.object({ decision: z.literal('once') }).strict(),
  z
    .object({
      decision: z.literal('for'),
      for: z.enum(GRANT_DURATIONS),
      scope: z.enum(['secret', 'all']),
      max_ttl: z.string().min(1).max(64).optional(),
    })
    .strict(),
]);
export type LeaseDecisionT = z.infer<typeof LeaseDecision>;

export const ConfirmationDecision = z.object({ decision: z.enum(['allow', 'deny']) }).strict();
export type ConfirmationDecisionT = z.infer<typeof ConfirmationDecision>;

export type Prompt = { kind: 'lease'; request: ApprovalRequestT } | { kind: 'confirmation'; confirmation: AdminConfirmationT };

/** How a prompt ended, for the adapter to tell the daemon. Withdrawn and dropped prompts have none. */
export type Outcome =
  | { kind: 'lease'; request: ApprovalRequestT; decision: LeaseDecisionT; by: 'person' | 'timeout' }
  | { kind: 'confirmation'; confirmation: AdminConfirmationT; decision: ConfirmationDecisionT; by: 'person' | 'timeout' };

/** What the approval window needs: the prompt to show, and how many wait behind it. */
export interface QueueState {
  current: Prompt | null;
  waiting: number;
  /** Prompts dropped from the UI by a flood since the app started (still pending in the daemon). */
  dropped: number;
}

/** How a prompt left the queue, remembered so a late click or a repeated announcement is recognised. */
export type Ended = 'decided' | 'expired' | 'withdrawn';

export type DecideResult =
  | { ok: true }
  | { ok: false; reason: Ended | 'unknown' | 'not-current' | 'invalid-decision' };

export const DEFAULT_CAPACITY = 100;
/** How many ended prompt ids are remembered (oldest forgotten first). */
const ENDED_MEMORY = 1000;

export function promptId(prompt: Prompt): string {
  return prompt.kind === 'lease' ? prompt.request.request_id : prompt.confirmation.confirmation_id;
}

function expiresAt(prompt: Prompt): number {
  const text = prompt.kind === 'lease' ? prompt.request.expires_at : prompt.confirmation.expires_at;
  const ms = Date.parse(text);
  // An expiry that cannot be read is treated as already passed: a prompt with no end is never shown.
  return Number.isNaN(ms) ? -Infinity : ms;
}

/** The params of `requests.approve` for an allow decision; deny goes to `requests.deny` instead. */
/**
 * Whether sending an outcome failed only because the daemon has its answer already: the prompt was
 * decided in the dashboard or a terminal, withdrawn, or timed out there first (REQUEST_NOT_FOUND, for
 * requests and terminal commands alike). That is expected; any other failure means the person's
 * answer was lost and is worth a log line.
 */
export function settledBeforeOutcome(error: unknown): boolean {
  return isDaemonError(error) && error.code === 'REQUEST_NOT_FOUND';
}

export function approveParams(request_id: string, decision: Exclude<LeaseDecisionT, { decision: 'deny' }>): ParamsOf<'requests.approve'> {
  switch (decision.decision) {
    case 'once':
      return { request_id };
    case 'for':
      return decision.max_ttl === undefined
        ? { request_id, for: decision.for, scope: decision.scope }
        : { request_id, for: decision.for, scope: decision.scope, max_ttl: decision.max_ttl };
    default:
      throw missingCase(decision);
  }
}

interface Entry {
  prompt: Prompt;
  id: string;
  expiresAt: number;
  timer: unknown;
}

export class ApprovalQueue {
  /** FIFO; the first entry is the one shown. */
  private entries: Entry[] = [];
  private dropped = 0;
  private readonly ended = new Map<string, Ended>();
  private readonly listeners = new Set<(state: QueueState) => void>();

  /**
   * @param respond receives every prompt's outcome (the person's decision or a timeout's deny); the
   *   adapter sends it to the daemon.
   */
  constructor(
    private readonly clock: Clock,
    private readonly respond: (outcome: Outcome) => void,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity must be a positive integer, got ${capacity}`);
  }

  /** Notified after every change of the shown prompt, the waiting count or the dropped count. */
  onChange(listener: (state: QueueState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(): QueueState {
    this.expireDue();
    return { current: this.entries[0]?.prompt ?? null, waiting: Math.max(0, this.entries.length - 1), dropped: this.dropped };
  }

  /** The prompt to show, or null. Never one whose time has passed. */
  current(): Prompt | null {
    return this.state().current;
  }

  /**
   * Queues a prompt. One already ended (same id) is ignored: an event may arrive after the person
   * decided. One already held keeps its place and takes the new announcement's expiry: the daemon
   * re-dates waiting requests when the wall clock is set (clock-jumps.ts). One already expired is
   * denied at once and never shown. A prompt dropped by a flood may be added again (a resync once
   * there is room). Returns whether it was queued.
   */
  add(prompt: Prompt): boolean {
    this.expireDue();
    const id = promptId(prompt);
    if (this.ended.has(id)) return false;
    const held = this.entries.find((e) => e.id === id);
    if (held !== undefined) {
      this.redate(held, prompt);
      return false;
    }
    const entry: Entry = { prompt, id, expiresAt: expiresAt(prompt), timer: null };
    if (entry.expiresAt <= this.clock.now()) {
      this.end(id, 'expired');
      this.respond(timeoutOutcome(prompt));
      return false;
    }
    this.entries.push(entry);
    this.arm(entry);
    while (this.entries.length > this.capacity) {
      // entries[0] is on screen; the oldest waiting one goes.
      const [gone] = this.entries.splice(1, 1);
      this.clock.clearTimer(gone!.timer);
      this.dropped++;
    }
    this.changed();
    return true;
  }

  /** The daemon has settled this prompt elsewhere; it leaves without an outcome. */
  withdraw(id: string): boolean {
    const entry = this.remove(id);
    if (entry === undefined) return false;
    this.end(id, 'withdrawn');
    this.changed();
    return true;
  }

  /**
   * The person's decision for the prompt on screen. `decision` is validated (it comes from the window)
   * against the prompt's kind. Refused, changing nothing, unless `id` is the prompt shown now.
   */
  decide(id: string, decision: unknown): DecideResult {
    this.expireDue();
    const shown = this.entries[0];
    if (shown === undefined || shown.id !== id) {
      const ended = this.ended.get(id);
      if (ended !== undefined) return { ok: false, reason: ended };
      return { ok: false, reason: this.entries.some((e) => e.id === id) ? 'not-current' : 'unknown' };
    }
    const outcome = personOutcome(shown.prompt, decision);
    if (outcome === null) return { ok: false, reason: 'invalid-decision' };
    this.remove(id);
    this.end(id, 'decided');
    this.respond(outcome);
    this.changed();
    return { ok: true };
  }

  /** Stops every timer (app quitting); the daemon denies what is left at its own timeout. */
  close(): void {
    for (const entry of this.entries) this.clock.clearTimer(entry.timer);
    this.entries = [];
    this.changed();
  }

  private redate(entry: Entry, announced: Prompt): void {
    const expiry = expiresAt(announced);
    if (expiry === entry.expiresAt) return;
    this.clock.clearTimer(entry.timer);
    Object.assign(entry, { prompt: announced, expiresAt: expiry });
    this.arm(entry);
    this.expireDue();
    this.changed();
  }

  private arm(entry: Entry): void {
    // A timer may fire early (delays are capped) or late (the machine slept); it only ever checks.
    const delay = Math.min(entry.expiresAt - this.clock.now(), MAX_TIMER_DELAY_MS);
    entry.timer = this.clock.setTimer(() => {
      if (!this.entries.includes(entry)) return;
      if (entry.expiresAt > this.clock.now()) this.arm(entry);
      else this.expireDue();
    }, delay);
  }

  /** Denies every held prompt whose time has passed. */
  private expireDue(): void {
    const now = this.clock.now();
    const due = this.entries.filter((e) => e.expiresAt <= now);
    if (due.length === 0) return;
    this.entries = this.entries.filter((e) => e.expiresAt > now);
    for (const entry of due) {
      this.clock.clearTimer(entry.timer);
      this.end(entry.id, 'expired');
    }
    for (const entry of due) this.respond(timeoutOutcome(entry.prompt));
    this.changed();
  }

  private end(id: string, how: Ended): void {
    this.ended.set(id, how);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.keys().next().value!);
  }

  private remove(id: string): Entry | undefined {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index === -1) return undefined;
    const [entry] = this.entries.splice(index, 1);
    this.clock.clearTimer(entry!.timer);
    return entry;
  }

  private changed(): void {
    const state: QueueState = { current: this.entries[0]?.prompt ?? null, waiting: Math.max(0, this.entries.length - 1), dropped: this.dropped };
    for (const listener of [...this.listeners]) listener(state);
  }
}

function timeoutOutcome(prompt: Prompt): Outcome {
  return prompt.kind === 'lease'
    ? { kind: 'lease', request: prompt.request, decision: { decision: 'deny' }, by: 'timeout' }
    : { kind: 'confirmation', confirmation: prompt.confirmation, decision: { decision: 'deny' }, by: 'timeout' };
}

/** The outcome of a person's decision, or null when the decision is not one this prompt accepts. */
function personOutcome(prompt: Prompt, decision: unknown): Outcome | null {
  switch (prompt.kind) {
    case 'lease': {
      const parsed = LeaseDecision.safeParse(decision);
      return parsed.success ? { kind: 'lease', request: prompt.request, decision: parsed.data, by: 'person' } : null;
    }
    case 'confirmation': {
      const parsed = ConfirmationDecision.safeParse(decision);
      return parsed.success ? { kind: 'confirmation', confirmation: prompt.confirmation, decision: parsed.data, by: 'person' } : null;
    }
    default:
      throw missingCase(prompt);
  }
}
