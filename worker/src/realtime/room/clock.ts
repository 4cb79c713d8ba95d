/**
 * The room's time (epoch ms) for its rules: rate buckets, mutes, the writing window, the typing and
 * broadcast windows, message times. One object shared by the room's parts, so a test can move time
 * on for all of them at once instead of waiting.
 */
export interface Clock {
  now(): number;
}

export const wallClock = (): Clock => ({ now: () => Date.now() });
