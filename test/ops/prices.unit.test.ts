import { describe, expect, it } from "vitest";
import {
  addUnits,
  emptyUnits,
  METERS,
  type Meter,
  meterDollars,
  monthlyBill,
  monthOf,
  NO_UNITS,
  PLATFORM_COMPONENTS,
  UNIT_NAMES,
  type UnitCounts,
  WORKERS_PAID_BASE,
} from "../../worker/src/ops/prices";

const meter = (component: Meter["component"], unit: Meter["unit"]): Meter => {
  const found = METERS.find((m) => m.component === component && m.unit === unit);
  if (!found) throw new Error(`no meter ${component}/${unit}`);
  return found;
};
const units = (some: Partial<UnitCounts>): UnitCounts => ({ ...NO_UNITS, ...some });

describe("prices as data", () => {
  it("cites a source and a date for every figure, and prices every billable unit", () => {
    for (const m of METERS) {
      expect(m.source).toMatch(/^https:\/\//);
      expect(m.checked).toMatch(/^\d{4}-\d{2}$/);
      expect(m.price).toBeGreaterThan(0);
      expect(m.per).toBeGreaterThan(0);
    }
    for (const name of UNIT_NAMES) expect(METERS.some((m) => m.unit === name)).toBe(true);
  });
});

describe("meterDollars", () => {
  it("charges nothing up to the allowance and pro rata beyond it", () => {
    const requests = meter("workers", "requests");
    expect(meterDollars(requests, 0)).toBe(0);
    expect(meterDollars(requests, 10_000_000)).toBe(0);
    expect(meterDollars(requests, 11_000_000)).toBeCloseTo(0.3, 10);
    expect(meterDollars(requests, 12_500_000)).toBeCloseTo(0.75, 10);
  });

  it("bills Upstash from the first command ($0.20 per 100K)", () => {
    const store = meter("store", "storeCommands");
    expect(meterDollars(store, 100_000)).toBeCloseTo(0.2, 10);
    expect(meterDollars(store, 1)).toBeGreaterThan(0);
  });

  it("bills D1 writes past 50 M at $1 a million, reads past 25 bn at $0.001 a million", () => {
    expect(meterDollars(meter("d1", "d1RowsWritten"), 50_000_000)).toBe(0);
    expect(meterDollars(meter("d1", "d1RowsWritten"), 52_000_000)).toBeCloseTo(2, 10);
    expect(meterDollars(meter("d1", "d1RowsRead"), 25_000_000_000)).toBe(0);
    expect(meterDollars(meter("d1", "d1RowsRead"), 26_000_000_000)).toBeCloseTo(1, 10);
  });
});

describe("monthlyBill", () => {
  it("is the Workers Paid base alone for a month inside every allowance", () => {
    const bill = monthlyBill(
      units({ requests: 9_000_000, cpuMs: 29_000_000, d1RowsRead: 1e9, queueOps: 999_999, r2ClassB: 9e6 }),
      { d1: 4, r2: 9, store: 0, durableObjects: 1 },
    );
    expect(bill.platform).toBe(WORKERS_PAID_BASE.dollars);
    expect(bill.byComponent.workers).toBe(5);
    expect(bill.byComponent.d1).toBe(0);
    expect(bill.ai).toBe(0);
  });

  it("adds each component's overage, keeps AI apart, and totals the platform", () => {
    const bill = monthlyBill(
      units({
        requests: 20_000_000, // 10 M over: $3
        cpuMs: 40_000_000, // 10 M over: $0.20
        doRequests: 3_000_000, // 2 M over: $0.30
        doGbSeconds: 1_400_000, // 1 M over: $12.50
        queueOps: 6_000_000, // 5 M over: $2
        r2ClassA: 2_000_000, // 1 M over: $4.50
        storeCommands: 1_000_000, // $2
        aiPromptTokens: 2_000_000, // $0.30
        aiCompletionTokens: 1_000_000, // $0.60
      }),
      { d1: 6, r2: 110, store: 2, durableObjects: 0 }, // $0.75, $1.50, $0.50
    );
    expect(bill.byComponent.workers).toBeCloseTo(5 + 3 + 0.2, 10);
    expect(bill.byComponent.durableObjects).toBeCloseTo(0.3 + 12.5, 10);
    expect(bill.byComponent.queues).toBeCloseTo(2, 10);
    expect(bill.byComponent.r2).toBeCloseTo(4.5 + 1.5, 10);
    expect(bill.byComponent.store).toBeCloseTo(2 + 0.5, 10);
    expect(bill.byComponent.d1).toBeCloseTo(0.75, 10);
    expect(bill.ai).toBeCloseTo(0.9, 10);
    const platform = PLATFORM_COMPONENTS.reduce((sum, c) => sum + bill.byComponent[c], 0);
    expect(bill.platform).toBeCloseTo(platform, 10);
    expect(bill.platform).toBeCloseTo(8.2 + 12.8 + 2 + 6 + 2.5 + 0.75, 10);
    expect(bill.charges).toHaveLength(METERS.length);
  });
});

describe("monthOf and addUnits", () => {
  it("scales one user's day to a month of daily active users", () => {
    const month = monthOf(units({ requests: 40, storeCommands: 12.5 }), 10_000);
    expect(month.requests).toBe(40 * 10_000 * 30);
    expect(month.storeCommands).toBe(12.5 * 10_000 * 30);
    expect(month.cpuMs).toBe(0);
    expect(monthOf(units({ requests: 1 }), 1000, 31).requests).toBe(31_000);
  });

  it("adds partial tallies into a fresh total without touching the frozen zero", () => {
    const total = addUnits(addUnits(emptyUnits(), { requests: 1, d1RowsRead: 5 }), { requests: 2 });
    expect(total).toMatchObject({ requests: 3, d1RowsRead: 5, cpuMs: 0 });
    expect(NO_UNITS.requests).toBe(0);
  });
});
