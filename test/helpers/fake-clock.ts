import type { Clock } from '../../electron/daemon/clock.js';

/** A clock that moves only when told to, running due timers in time order. */
export class FakeClock implements Clock {
  private timers: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;
  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }
}
