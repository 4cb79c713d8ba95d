import { describe, expect, it } from "vitest";
import {
  ADAPTIVE,
  broadcastWindow,
  FIXED_40_MS,
  MessageRate,
} from "../../../worker/src/realtime/room/broadcast";

describe("the broadcast window", () => {
  it("is none while sockets x messages a second stays within the budget", () => {
    expect(broadcastWindow(ADAPTIVE, 2, 10)).toBe(0);
    expect(broadcastWindow(ADAPTIVE, 10, 50)).toBe(0);
    expect(broadcastWindow(ADAPTIVE, 100, 50)).toBe(0);
    expect(broadcastWindow(ADAPTIVE, 100, 100)).toBe(0);
  });

  it("grows with the room over the budget: at most budget/sockets frames a second, capped", () => {
    expect(broadcastWindow(ADAPTIVE, 100, 101)).toBe(10);
    expect(broadcastWindow(ADAPTIVE, 500, 50)).toBe(50);
    expect(broadcastWindow(ADAPTIVE, 1000, 50)).toBe(100);
    expect(broadcastWindow(ADAPTIVE, 5000, 50)).toBe(100);
    // Never shrinks as the room grows.
    let last = 0;
    for (let sockets = 1; sockets <= 3000; sockets += 7) {
      const window = broadcastWindow(ADAPTIVE, sockets, 50);
      expect(window).toBeGreaterThanOrEqual(last);
      last = window;
    }
  });

  it("the old fixed window is the same whatever the room", () => {
    expect(broadcastWindow(FIXED_40_MS, 2, 0)).toBe(40);
    expect(broadcastWindow(FIXED_40_MS, 500, 50)).toBe(40);
  });
});

describe("the room's message rate", () => {
  it("reads a burst of k as k a second, and steady traffic as its rate", () => {
    const burst = new MessageRate();
    for (let k = 1; k <= 10; k++) expect(burst.add(1000)).toBeCloseTo(k, 9);
    const steady = new MessageRate();
    let rate = 0;
    for (let i = 0; i < 500; i++) rate = steady.add(i * 20);
    expect(rate).toBeGreaterThan(49);
    expect(rate).toBeLessThan(52);
  });

  it("decays when the room goes quiet", () => {
    const rate = new MessageRate();
    for (let i = 0; i < 100; i++) rate.add(i * 20);
    expect(rate.read(2000 + 5000)).toBeLessThan(1);
    expect(rate.read(0)).toBeGreaterThan(0);
  });
});
