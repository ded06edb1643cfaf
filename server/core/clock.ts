// Time is a parameter: everything in the core that stamps, waits or estimates takes a Clock, so the same code
// runs live, in tests without sleeps, and in simulators.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number | string = '2026-01-01T09:00:00.000Z') {
    this.#now = typeof start === 'number' ? start : Date.parse(start);
  }
  now(): number {
    return this.#now;
  }
  /** Move forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock does not go back');
    this.#now += ms;
  }
}

/** ISO 8601 text of the clock's current instant. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
