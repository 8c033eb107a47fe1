import type { SystemTime } from '../../electron/daemon/clock.js';

/**
 * A clock that moves only when told to. `advance` is time passing: the wall, monotonic and boot clocks
 * move together, and due timers run in time order. `jump` sets the wall clock alone, as a person or NTP
 * does; `sleep` is the machine asleep: wall and boot clocks move, the monotonic clock and its timers
 * stand still. Timers run by the monotonic clock, as Node's do.
 */
export class FakeClock implements SystemTime {
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;
  /** The monotonic clock, ms. */
  mono = 1_000_000;
  /** ms since boot; null: this "platform" cannot read it. */
  boot: number | null = 2_000_000;
  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  monotonic(): number {
    return this.mono;
  }

  sinceBoot(): number | null {
    return this.boot;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.mono + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.pass(next.at - this.mono);
      next.callback();
    }
    this.pass(target - this.mono);
  }

  jump(ms: number): void {
    this.time += ms;
  }

  sleep(ms: number): void {
    this.time += ms;
    if (this.boot !== null) this.boot += ms;
  }

  private pass(ms: number): void {
    this.mono += ms;
    this.time += ms;
    if (this.boot !== null) this.boot += ms;
  }
}
