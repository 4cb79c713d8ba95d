/**
 * The room's time (epoch ms) for its rules: rate buckets, mutes, the writing window, the typing and
 * broadcast windows, message times; and its timers. One object shared by the room's parts, so a test
 * can move time on, or hold a window open, for all of them at once instead of waiting.
 */
export interface Clock {
  now(): number;
  /** Runs `run` in `ms` (a broadcast window's end). */
  after(ms: number, run: () => void): Timer;
  cancel(timer: Timer): void;
}

export type Timer = ReturnType<typeof setTimeout>;

export const wallClock = (): Clock => ({
  now: () => Date.now(),
  after: (ms, run) => setTimeout(run, ms),
  cancel: (timer) => clearTimeout(timer),
});
