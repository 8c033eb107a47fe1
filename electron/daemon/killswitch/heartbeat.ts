/**
 * The dead-man switch (DESIGN.md §5): GET a URL every interval; when it fails `failuresBeforeTrigger`
 * times in a row, engage the killswitch. The heartbeat only counts and calls back; what the trigger
 * does (revoke / rotate / wipe, lock) and the audit entries belong to the daemon.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tryParseDuration } from '../../../shared/durations.js';
import type { Clock } from '../clock.js';
import type { ConfigFile } from '../config.js';
import { createLogger } from '../logger.js';

const log = createLogger('heartbeat');

/** `failuresBeforeTrigger`: consecutive failed checks that engage the killswitch (config default 3). */
export interface HeartbeatOptions { url: string; intervalMs: number; timeoutMs: number; failuresBeforeTrigger: number }

/**
 * One check. Resolves when the endpoint is up; rejects with a short reason otherwise. It must settle
 * within about `timeoutMs`: the heartbeat waits for it before the next check.
 */
export type Probe = (url: string, timeoutMs: number) => Promise<void>;

/** One failed check, for an audit entry: `reason` is short ("HTTP 500", "ECONNREFUSED"), never a body; `at` is ISO. */
export interface HeartbeatFailure { reason: string; consecutive_failures: number; failures_before_trigger: number; at: string }

/** The failure that reached the threshold; the daemon engages the killswitch on it. */
export interface HeartbeatTrigger { reason: string; consecutive_failures: number; last_ok: string | null; at: string }

export interface HeartbeatCallbacks {
  onFailure(info: HeartbeatFailure): void;
  onTrigger(info: HeartbeatTrigger): void | Promise<void>;
}

/** What `status` shows. */
export interface HeartbeatState {
  enabled: true;
  url: string;
  last_ok: string | null;
  last_failure: string | null;
  consecutive_failures: number;
  next_check: string | null;
  triggered: boolean;
}

/** Milliseconds from the `heartbeat` block of config.json (already validated there). */
export function heartbeatOptionsFromConfig(heartbeat: ConfigFile['heartbeat']): HeartbeatOptions {
  const { url, interval, timeout, failures_before_trigger } = heartbeat;
  return { url, intervalMs: tryParseDuration(interval)!, timeoutMs: tryParseDuration(timeout)!, failuresBeforeTrigger: failures_before_trigger };
}

export class Heartbeat {
  private running = false;
  /** Bumped by start() and stop(): a check or probe result from an older generation is dropped. */
  private generation = 0;
  private timer: unknown = null;
  /** The probe in flight, if any; never rejects. A new check waits for it, so probes never overlap. */
  private inFlight: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private triggered = false;
  private lastOkAt: number | null = null;
  private lastFailureAt: number | null = null;
  private nextCheckAt: number | null = null;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly clock: Clock,
    private readonly callbacks: HeartbeatCallbacks,
    private readonly probe: Probe = httpProbe,
  ) {
    // A bad URL would fail every check and lock everything: refuse it up front instead.
    const { url, intervalMs, timeoutMs, failuresBeforeTrigger } = options;
    if (!/^https?:$/.test(URL.canParse(url) ? new URL(url).protocol : '')) throw new RangeError('heartbeat url must be an http:// or https:// URL');
    if (!(intervalMs > 0) || !(timeoutMs > 0)) throw new RangeError('heartbeat interval and timeout must be positive');
    if (!Number.isInteger(failuresBeforeTrigger) || failuresBeforeTrigger < 1) throw new RangeError('failuresBeforeTrigger must be a positive integer');
  }

  /** Starts checking (first check one interval from now). Also re-arms after a trigger, with a fresh count. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.consecutiveFailures = 0;
    this.triggered = false;
    this.schedule(this.options.intervalMs);
  }

  /** Cancels the next check; a probe still in flight is left to settle and its result ignored. */
  stop(): void {
    this.running = false;
    this.generation++;
    this.cancelTimer();
    this.nextCheckAt = null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  state(): HeartbeatState {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      enabled: true,
      url: this.options.url,
      last_ok: iso(this.lastOkAt),
      last_failure: iso(this.lastFailureAt),
      consecutive_failures: this.consecutiveFailures,
      next_check: iso(this.nextCheckAt),
      triggered: this.triggered,
    };
  }

  private schedule(delayMs: number): void {
    const generation = this.generation;
    this.nextCheckAt = this.clock.now() + delayMs;
    this.timer = this.clock.setTimer(() => void this.check(generation), delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  private async check(generation: number): Promise<void> {
    this.timer = null;
    // Only after stop()+start() with a slow endpoint: the old probe settles before a new one starts.
    while (this.inFlight) await this.inFlight;
    if (generation !== this.generation) return;

    const startedAt = this.clock.now();
    this.nextCheckAt = startedAt + this.options.intervalMs;
    let pending: Promise<void>;
    try {
      pending = this.probe(this.options.url, this.options.timeoutMs);
    } catch (err) {
      pending = Promise.reject(err);
    }
    // Resolves to null on success, else the failure reason.
    const probing = pending.then(() => null, reasonOf);
    this.inFlight = probing.then(() => undefined);
    const failure = await probing;
    this.inFlight = null;
    if (generation !== this.generation) return; // stopped meanwhile: the result belongs to nobody

    if (failure === null) this.recordSuccess();
    else this.recordFailure(failure);
    if (this.running) this.schedule(Math.max(0, startedAt + this.options.intervalMs - this.clock.now()));
  }

  private recordSuccess(): void {
    if (this.consecutiveFailures > 0) log.info('endpoint answering again', { after_failures: this.consecutiveFailures });
    this.consecutiveFailures = 0;
    this.lastOkAt = this.clock.now();
  }

  private recordFailure(reason: string): void {
    const now = this.clock.now();
    const at = new Date(now).toISOString();
    this.consecutiveFailures++;
    this.lastFailureAt = now;
    const { failuresBeforeTrigger } = this.options;
    log.warn('check failed', { reason, consecutive_failures: this.consecutiveFailures, failures_before_trigger: failuresBeforeTrigger });
    guard('onFailure', () => this.callbacks.onFailure({ reason, consecutive_failures: this.consecutiveFailures, failures_before_trigger: failuresBeforeTrigger, at }));
    if (this.consecutiveFailures < failuresBeforeTrigger) return;

    // Trigger once, then stay quiet: the killswitch is engaged and a person has to disengage it.
    this.triggered = true;
    this.running = false;
    this.cancelTimer();
    this.nextCheckAt = null;
    log.error('endpoint down: triggering the killswitch', { reason, consecutive_failures: this.consecutiveFailures });
    const last_ok = this.lastOkAt === null ? null : new Date(this.lastOkAt).toISOString();
    guard('onTrigger', () => this.callbacks.onTrigger({ reason, consecutive_failures: this.consecutiveFailures, last_ok, at }));
  }
}

/** A throwing or rejecting callback is logged; it must not stop the heartbeat. */
function guard(name: string, call: () => void | Promise<void>): void {
  const report = (err: unknown) => log.error(`${name} callback failed`, { error: reasonOf(err) });
  try {
    const result = call();
    if (result instanceof Promise) result.catch(report);
  } catch (err) {
    report(err);
  }
}

/** A short, body-free reason: a system error code when there is one, else the (capped) message. */
export function reasonOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 120 ? message.slice(0, 117) + '...' : message;
}

/**
 * The default probe: one GET over node:http(s) (global fetch would load undici, ~12 MB). Resolves on
 * a 2xx once the (discarded) body has ended; rejects on a connection error, any other status, or
 * when the whole exchange takes longer than `timeoutMs`, in which case the request is destroyed.
 * Redirects are not followed (a 3xx fails). A fresh connection each time (no keep-alive): the check
 * is that the endpoint is reachable now.
 */
export function httpProbe(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Thrown here, these reject: an invalid URL as ERR_INVALID_URL (a code, not the URL itself).
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
    if (!send) throw new Error(`unsupported protocol ${target.protocol}`);
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const req = send(target, { method: 'GET', agent: false, headers: { 'user-agent': 'agent-secrets-heartbeat', connection: 'close' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        finish(new Error(`HTTP ${status}`));
        res.destroy();
        return;
      }
      res.resume();
      res.on('end', () => finish());
      res.on('error', (err) => finish(err));
      res.on('close', () => finish(new Error('response cut short')));
    });
    const timer = setTimeout(() => {
      finish(new Error(`timeout after ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => finish(err));
    req.end();
  });
}
