/**
 * What a month of ATAS costs, from the billable units it used: the published pay-as-you-go prices
 * as data, each with where it is published and when it was read, and pure functions that turn
 * monthly units into dollars by component after the plan's included allowances.
 *
 * Formula, per meter: dollars = max(0, units - included) / per x price. A component is the sum of
 * its meters; Workers adds the Paid plan's $5 base (which also unlocks D1, Durable Objects and
 * Queues on their paid terms). AI tokens are priced apart and never part of the platform total.
 *
 * Honesty about the figures: this machine has no internet, so none was re-read on the day this file
 * was written (2026-12-07). Each is the figure as published on the page cited, as last read
 * (`checked`); where the figure or its allowance was uncertain, `assumption` says what was assumed,
 * always the costlier reading. Re-check them against the pages before relying on the dollars.
 */

/** Billable units over some period (a day for one user, or a month for everyone). */
export interface UnitCounts {
  /** Worker invocations: fetch requests, queue batches, cron runs (static asset hits are free). */
  requests: number;
  cpuMs: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  /** Durable Object requests: stub fetches, RPC calls, WebSocket upgrades, incoming WS messages / 20. */
  doRequests: number;
  /** Durable Object wall-clock duration while active, at the 128 MB billed per object. */
  doGbSeconds: number;
  /** Queue operations: each message is a write, a read and a delete (per 64 KB). */
  queueOps: number;
  /** R2 class A: put, list, multipart, copy (deletes are free but we count them here, costlier). */
  r2ClassA: number;
  /** R2 class B: get, head. */
  r2ClassB: number;
  /** Upstash Redis commands, as Upstash bills them (each command of a pipeline counts). */
  storeCommands: number;
  aiPromptTokens: number;
  aiCompletionTokens: number;
}

export const UNIT_NAMES = [
  "requests",
  "cpuMs",
  "d1RowsRead",
  "d1RowsWritten",
  "doRequests",
  "doGbSeconds",
  "queueOps",
  "r2ClassA",
  "r2ClassB",
  "storeCommands",
  "aiPromptTokens",
  "aiCompletionTokens",
] as const satisfies readonly (keyof UnitCounts)[];

/** Stored data at the end of the month, in GB (billed per GB-month). */
export interface StoredGb {
  d1: number;
  r2: number;
  store: number;
  durableObjects: number;
}

export const NO_UNITS: UnitCounts = Object.freeze(
  Object.fromEntries(UNIT_NAMES.map((name) => [name, 0])) as unknown as UnitCounts,
);
const NO_STORAGE: StoredGb = Object.freeze({ d1: 0, r2: 0, store: 0, durableObjects: 0 });

export type Component = "workers" | "d1" | "durableObjects" | "queues" | "r2" | "store" | "ai";
export const PLATFORM_COMPONENTS = ["workers", "d1", "durableObjects", "queues", "r2", "store"] as const;

/** One priced meter: `price` dollars per `per` units beyond `includedPerMonth`. */
export interface Meter {
  component: Component;
  /** What is counted: a unit name, or `storage` (GB-month). */
  unit: keyof UnitCounts | "storage";
  label: string;
  includedPerMonth: number;
  per: number;
  price: number;
  source: string;
  /** When the published figure was last read (year-month). */
  checked: string;
  assumption?: string;
}

const WORKERS_PRICING = "https://developers.cloudflare.com/workers/platform/pricing/";
const D1_PRICING = "https://developers.cloudflare.com/d1/platform/pricing/";
const DO_PRICING = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
const QUEUES_PRICING = "https://developers.cloudflare.com/queues/platform/pricing/";
const R2_PRICING = "https://developers.cloudflare.com/r2/pricing/";
const UPSTASH_PRICING = "https://upstash.com/pricing/redis";
const OPENAI_PRICING = "https://openai.com/api/pricing/";
const CHECKED = "2025-06";
const M = 1_000_000;

/** Workers Paid: the monthly base, whatever the usage. */
export const WORKERS_PAID_BASE = {
  dollars: 5,
  source: WORKERS_PRICING,
  checked: CHECKED,
} as const;

/** The model the OpenAI drafter uses when OPENAI_MODEL is not set (worker/src/adapters/drafter/openai.ts). */
export const DRAFT_MODEL = "gpt-4o-mini";

export const METERS: readonly Meter[] = [
  {
    component: "workers",
    unit: "requests",
    label: "requests",
    includedPerMonth: 10 * M,
    per: M,
    price: 0.3,
    source: WORKERS_PRICING,
    checked: CHECKED,
  },
  {
    component: "workers",
    unit: "cpuMs",
    label: "CPU ms",
    includedPerMonth: 30 * M,
    per: M,
    price: 0.02,
    source: WORKERS_PRICING,
    checked: CHECKED,
  },
  {
    component: "d1",
    unit: "d1RowsRead",
    label: "rows read",
    includedPerMonth: 25_000 * M,
    per: M,
    price: 0.001,
    source: D1_PRICING,
    checked: CHECKED,
  },
  {
    component: "d1",
    unit: "d1RowsWritten",
    label: "rows written",
    includedPerMonth: 50 * M,
    per: M,
    price: 1,
    source: D1_PRICING,
    checked: CHECKED,
  },
  {
    component: "d1",
    unit: "storage",
    label: "storage GB-month",
    includedPerMonth: 5,
    per: 1,
    price: 0.75,
    source: D1_PRICING,
    checked: CHECKED,
  },
  {
    component: "durableObjects",
    unit: "doRequests",
    label: "requests",
    includedPerMonth: 1 * M,
    per: M,
    price: 0.15,
    source: DO_PRICING,
    checked: CHECKED,
    assumption: "incoming WebSocket messages bill as requests at 20:1 (the published ratio)",
  },
  {
    component: "durableObjects",
    unit: "doGbSeconds",
    label: "duration GB-s",
    includedPerMonth: 400_000,
    per: M,
    price: 12.5,
    source: DO_PRICING,
    checked: CHECKED,
    assumption: "128 MB billed per active object; hibernated WebSocket objects bill no duration",
  },
  {
    component: "durableObjects",
    unit: "storage",
    label: "SQLite storage GB-month",
    includedPerMonth: 5,
    per: 1,
    price: 0.2,
    source: DO_PRICING,
    checked: CHECKED,
    assumption:
      "objects' own SQLite rows read/written bill like D1's with their own allowance (25 bn read, 50 M written a month); no usage line sees them, so they are not metered here (a chat message writes a row or two)",
  },
  {
    component: "queues",
    unit: "queueOps",
    label: "operations",
    includedPerMonth: 1 * M,
    per: M,
    price: 0.4,
    source: QUEUES_PRICING,
    checked: CHECKED,
  },
  {
    component: "r2",
    unit: "r2ClassA",
    label: "class A operations",
    includedPerMonth: 1 * M,
    per: M,
    price: 4.5,
    source: R2_PRICING,
    checked: CHECKED,
  },
  {
    component: "r2",
    unit: "r2ClassB",
    label: "class B operations",
    includedPerMonth: 10 * M,
    per: M,
    price: 0.36,
    source: R2_PRICING,
    checked: CHECKED,
  },
  {
    component: "r2",
    unit: "storage",
    label: "storage GB-month",
    includedPerMonth: 10,
    per: 1,
    price: 0.015,
    source: R2_PRICING,
    checked: CHECKED,
    assumption: "no egress fee (R2's published terms)",
  },
  {
    component: "store",
    unit: "storeCommands",
    label: "Upstash commands",
    includedPerMonth: 0,
    per: 100_000,
    price: 0.2,
    source: UPSTASH_PRICING,
    checked: CHECKED,
    assumption:
      "pay-as-you-go with no commands included (the free plan's 500K commands a month is a separate plan, not counted)",
  },
  {
    component: "store",
    unit: "storage",
    label: "Upstash storage GB-month",
    includedPerMonth: 0,
    per: 1,
    price: 0.25,
    source: UPSTASH_PRICING,
    checked: CHECKED,
    assumption: "no storage included on pay-as-you-go",
  },
  {
    component: "ai",
    unit: "aiPromptTokens",
    label: `${DRAFT_MODEL} input tokens`,
    includedPerMonth: 0,
    per: M,
    price: 0.15,
    source: OPENAI_PRICING,
    checked: CHECKED,
  },
  {
    component: "ai",
    unit: "aiCompletionTokens",
    label: `${DRAFT_MODEL} output tokens`,
    includedPerMonth: 0,
    per: M,
    price: 0.6,
    source: OPENAI_PRICING,
    checked: CHECKED,
  },
];

/** What one meter charges for `units` in a month: nothing within the allowance, then pro rata. */
export function meterDollars(meter: Meter, units: number): number {
  const billable = Math.max(0, units - meter.includedPerMonth);
  return (billable / meter.per) * meter.price;
}

export interface MeterCharge {
  meter: Meter;
  units: number;
  dollars: number;
}

export interface MonthlyBill {
  /** Dollars per component (Workers includes the $5 base). */
  byComponent: Record<Component, number>;
  charges: MeterCharge[];
  /** Everything but AI tokens. */
  platform: number;
  ai: number;
}

const storageOf = (component: Component, storage: StoredGb): number =>
  component === "d1"
    ? storage.d1
    : component === "r2"
      ? storage.r2
      : component === "store"
        ? storage.store
        : component === "durableObjects"
          ? storage.durableObjects
          : 0;

/** The month's bill for `monthly` units (and the data stored at the month's end). */
export function monthlyBill(monthly: UnitCounts, storage: StoredGb = NO_STORAGE): MonthlyBill {
  const byComponent: Record<Component, number> = {
    workers: WORKERS_PAID_BASE.dollars,
    d1: 0,
    durableObjects: 0,
    queues: 0,
    r2: 0,
    store: 0,
    ai: 0,
  };
  const charges = METERS.map((meter) => {
    const units = meter.unit === "storage" ? storageOf(meter.component, storage) : monthly[meter.unit];
    const dollars = meterDollars(meter, units);
    byComponent[meter.component] += dollars;
    return { meter, units, dollars };
  });
  const platform = PLATFORM_COMPONENTS.reduce((sum, component) => sum + byComponent[component], 0);
  return { byComponent, charges, platform, ai: byComponent.ai };
}

/** A month of `dailyActiveUsers` each using `perUserPerDay`, over `days` days. */
export function monthOf(perUserPerDay: UnitCounts, dailyActiveUsers: number, days = 30): UnitCounts {
  const scale = dailyActiveUsers * days;
  return Object.fromEntries(
    UNIT_NAMES.map((name) => [name, perUserPerDay[name] * scale]),
  ) as unknown as UnitCounts;
}

/** Adds units (a request's or a day's) into a running total, in place; returns the total. */
export function addUnits(total: UnitCounts, more: Partial<UnitCounts>): UnitCounts {
  for (const name of UNIT_NAMES) total[name] += more[name] ?? 0;
  return total;
}

/** A fresh, zeroed tally to add into. */
export function emptyUnits(): UnitCounts {
  return { ...NO_UNITS };
}
