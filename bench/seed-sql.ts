/** What the benchmarks' bulk seeds share: a deterministic PRNG, stable ids, and chunked SQL inserts. */

/** A small deterministic PRNG (an LCG), so every run seeds the same data. */
export function prng(start: number) {
  let state = start;
  const rand = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  return { rand, pick };
}

/** A valid, readable UUID: the prefix says which kind of row, `n` which one. */
export const benchId = (prefix: number, n: number) =>
  `${prefix.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export type SqlValue = string | number | null;

const literal = (value: SqlValue) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;

/** Multi-row INSERTs of `rows`, `perStatement` rows each (D1 refuses statements over 100 KB). */
export function* inserts(
  table: string,
  columns: string[],
  rows: Iterable<SqlValue[]>,
  { perStatement = 100, orIgnore = false }: { perStatement?: number; orIgnore?: boolean } = {},
) {
  const head = `INSERT${orIgnore ? " OR IGNORE" : ""} INTO ${table} (${columns.join(",")}) VALUES `;
  let chunk: string[] = [];
  for (const row of rows) {
    chunk.push(`(${row.map(literal).join(",")})`);
    if (chunk.length === perStatement) {
      yield `${head}${chunk.join(",")};`;
      chunk = [];
    }
  }
  if (chunk.length) yield `${head}${chunk.join(",")};`;
}
