/**
 * atas-pro at scale: 10,000 experts and 100,000 invitations in local D1, then the expert
 * directory (full-text and filtered listing) and the dashboard under 20 concurrent requests
 * through the real worker (`wrangler dev`). Prints p50/p95 per endpoint, and the D1 rows read
 * per request against rows returned (measured in the dev measurement mode, `x-atas-measure: d1`).
 */
import { join } from "node:path";
import { ROOT, startPlatform } from "../scripts/platform.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts, prng } from "./seed-sql.ts";
import { inParallel, logIn, percentile, seedUnlessReused } from "./support.ts";

const EXPERTS = Number(process.env.EXPERTS ?? 10_000);
const INVITATIONS = Number(process.env.INVITATIONS ?? 100_000);
const STUDENTS = 2_000;
const REQUESTS = Number(process.env.REQUESTS ?? 400);
const CONCURRENCY = 20;
const PASSWORD = "bench passphrase 2026";
const PORT = 8797;
const STATE = join(ROOT, ".wrangler", "bench-pro");

const INDUSTRIES = [
  "Fintech",
  "Banking",
  "E-commerce",
  "Energy",
  "Healthcare",
  "Semiconductors",
  "Consulting",
  "Gaming",
  "Logistics",
  "Media",
  "Aviation",
  "Telecommunications",
  "Biotech",
  "Sustainability",
  "Venture Capital",
  "Infrastructure",
  "Education",
  "Automotive",
  "Consumer Goods",
  "Government",
];
const SKILLS = [
  "python",
  "go",
  "rust",
  "sql",
  "figma",
  "strategy",
  "sales",
  "marketing",
  "machine learning",
  "security",
  "cloud",
  "design systems",
  "finance",
  "law",
  "operations",
  "robotics",
  "research",
  "writing",
  "leadership",
  "product management",
];
const TOPICS = [
  "career advice",
  "interview prep",
  "startups",
  "ai ethics",
  "payments",
  "climate",
  "women in tech",
  "public speaking",
  "open source",
  "data careers",
  "portfolio reviews",
  "fundraising",
  "chip design",
  "supply chain",
  "health data",
];
const FIRST = [
  "Aisyah",
  "Wei Jie",
  "Priya",
  "Hafiz",
  "Mei Ling",
  "Rajesh",
  "Nurul",
  "Jia Hui",
  "Daniel",
  "Siti",
  "Arjun",
  "Sarah",
  "Farid",
  "Kai Xuan",
  "Anita",
  "Zhang",
  "Hannah",
  "Kavitha",
  "Boon Hock",
  "Amirah",
];
const LAST = [
  "Rahman",
  "Tan",
  "Nair",
  "Ismail",
  "Lim",
  "Kumar",
  "Izzah",
  "Chen",
  "Wong",
  "Aminah",
  "Menon",
  "Lee",
  "Ong",
  "Goh",
  "Devi",
  "Loh",
  "Karim",
  "Yusof",
  "Subramaniam",
  "Ng",
];
const STATES = [
  "sent",
  "sent",
  "countered",
  "scheduled",
  "scheduled",
  "completed",
  "completed",
  "completed",
  "declined",
  "expired",
  "cancelled",
  "draft",
];

const { rand, pick } = prng(42);
const uuid = benchId;

async function bulkSql(passwordHash: string) {
  const now = Date.now();
  const day = 86_400_000;
  const lines: string[] = [];
  const userCols = [
    "id",
    "email",
    "password_hash",
    "display_name",
    "role",
    "bio",
    "campus_id",
    "campus_verified",
    "email_verified_at",
    "created_at",
    "updated_at",
  ];
  const experts = Array.from({ length: EXPERTS }, (_, i) => uuid(1, i));
  const students = Array.from({ length: STUDENTS }, (_, i) => uuid(2, i));
  lines.push(
    ...inserts("users", userCols, [
      ...experts.map((id, i) => [
        id,
        `expert${i}@bench.atas.dev`,
        passwordHash,
        `${pick(FIRST)} ${pick(LAST)} ${i}`,
        "expert",
        "Industry practitioner who enjoys mentoring students.",
        null,
        0,
        now,
        now,
        now,
      ]),
      ...students.map((id, i) => [
        id,
        `student${i}@siswa.um.edu.my`,
        passwordHash,
        `Student ${i}`,
        "student",
        "",
        "um",
        1,
        now,
        now,
        now,
      ]),
    ]),
  );
  lines.push(
    ...inserts(
      "expert_profiles",
      [
        "user_id",
        "headline",
        "company",
        "industry",
        "skills",
        "topics",
        "years_experience",
        "availability",
        "accepting_invitations",
        "campus_ties",
        "verification",
        "updated_at",
      ],
      experts.map((id, i) => {
        const industry = pick(INDUSTRIES);
        const skills = [pick(SKILLS), pick(SKILLS), pick(SKILLS)];
        const topics = [pick(TOPICS), pick(TOPICS)];
        const windows = [
          { weekday: 1 + (i % 5), start: "19:00", end: "21:00", timeZone: "Asia/Kuala_Lumpur" },
        ];
        return [
          id,
          `Senior ${pick(SKILLS)} lead, ${industry}`,
          `Company ${i % 500}`,
          industry,
          JSON.stringify([...new Set(skills)]),
          JSON.stringify([...new Set(topics)]),
          3 + (i % 25),
          JSON.stringify(windows),
          i % 7 === 0 ? 0 : 1,
          JSON.stringify(i % 3 === 0 ? ["um"] : []),
          // Vetted: the directory lists only vetted experts.
          "verified",
          now,
        ];
      }),
    ),
  );
  // The dashboard users: one busy student and one busy expert.
  const busyStudent = students[0] ?? "";
  const busyExpert = experts[0] ?? "";
  const invitationCols = [
    "id",
    "requester_id",
    "expert_id",
    "created_by",
    "kind",
    "title",
    "agenda",
    "duration_minutes",
    "format",
    "audience_size",
    "language",
    "response_deadline",
    "status",
    "version",
    "scheduled_start",
    "sent_at",
    "responded_at",
    "created_at",
    "updated_at",
  ];
  function* invitationRows() {
    for (let i = 0; i < INVITATIONS; i++) {
      const requester = i % 500 === 0 ? busyStudent : pick(students);
      const expert = i % 1000 === 1 ? busyExpert : pick(experts);
      const status = pick(STATES);
      const created = now - Math.floor(rand() * 200) * day;
      const start = created + (10 + Math.floor(rand() * 30)) * day;
      const sent = status === "draft" ? null : created + day;
      const answered = ["scheduled", "completed", "declined", "countered"].includes(status);
      yield [
        uuid(3, i),
        requester,
        expert,
        requester,
        "talk",
        `Invitation ${i}`,
        "Agenda",
        60,
        "online",
        50,
        "en",
        start - 3 * day,
        status,
        1,
        ["scheduled", "completed"].includes(status) ? start : null,
        sent,
        answered && sent ? sent + Math.floor(rand() * 72) * 3_600_000 : null,
        created,
        created,
      ];
    }
  }
  lines.push(...inserts("invitations", invitationCols, invitationRows()));
  return {
    sql: lines.join("\n"),
    busyStudent: "student0@siswa.um.edu.my",
    busyExpert: "expert0@bench.atas.dev",
    busyExpertId: busyExpert,
  };
}

async function load(name: string, paths: string[], cookie: string | null, base: string) {
  const samples: number[] = [];
  let failures = 0;
  await inParallel(REQUESTS, CONCURRENCY, async (k) => {
    const path = paths[k % paths.length] ?? "/";
    const started = performance.now();
    const response = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (!response.ok) failures++;
  });
  // Rows read against rows returned, one measured request per distinct path.
  let read = 0;
  let returned = 0;
  for (const path of paths) {
    const response = await fetch(`${base}${path}`, {
      headers: { "x-atas-measure": "d1", ...(cookie ? { cookie } : {}) },
    });
    await response.arrayBuffer();
    read += Number(response.headers.get("x-d1-rows-read"));
    returned += Number(response.headers.get("x-d1-rows-returned"));
  }
  const ratio = returned ? read / returned : Number.NaN;
  console.log(
    `${name.padEnd(38)} p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(samples, 95).toFixed(1).padStart(7)} ms  ` +
      `rows read/returned ${(read / paths.length).toFixed(0).padStart(6)}/${(returned / paths.length).toFixed(0).padStart(4)} = ${ratio.toFixed(1)}x${failures ? `  (${failures} failed)` : ""}`,
  );
}

const hash = await hashPassword(PASSWORD);
const data = await bulkSql(hash);
await seedUnlessReused(
  STATE,
  () => data.sql,
  `${EXPERTS} experts, ${STUDENTS} students, ${INVITATIONS} invitations`,
);

const platform = await startPlatform({ port: PORT, persistTo: STATE, seed: false, log: () => {} });
try {
  const student = await logIn(platform.url, data.busyStudent, PASSWORD);
  const expert = await logIn(platform.url, data.busyExpert, PASSWORD);
  console.log(`\n${CONCURRENCY} concurrent requests, ${REQUESTS} per endpoint (wrangler dev, local D1)`);
  await load(
    "directory: full-text q",
    ["payments", "design", "machine learning", "climate", "rust"].map(
      (w) => `/api/experts?q=${encodeURIComponent(w)}`,
    ),
    null,
    platform.url,
  );
  // Deeper pages cost more: FTS5 yields the rows before the cursor again on the way to the page.
  const third: string[] = [];
  for (const word of ["payments", "design", "climate"]) {
    let path = `/api/experts?q=${word}`;
    for (let page = 1; page < 3; page++) {
      const { nextCursor } = (await (await fetch(`${platform.url}${path}`)).json()) as { nextCursor: string };
      path = `/api/experts?q=${word}&cursor=${encodeURIComponent(nextCursor)}`;
    }
    third.push(path);
  }
  await load("directory: full-text q, 3rd page", third, null, platform.url);
  await load(
    "directory: full-text, a name",
    ["Rahman 4217", "Priya Nair 17", "Wong 901"].map((w) => `/api/experts?q=${encodeURIComponent(w)}`),
    null,
    platform.url,
  );
  await load(
    "directory: q + industry + accepting",
    ["payments", "cloud", "strategy"].map((w) => `/api/experts?q=${w}&industry=Fintech&accepting=true`),
    null,
    platform.url,
  );
  await load(
    "directory: listing, industry filter",
    INDUSTRIES.slice(0, 5).map((i) => `/api/experts?industry=${encodeURIComponent(i)}`),
    null,
    platform.url,
  );
  await load("directory: listing, no filter", ["/api/experts"], null, platform.url);
  await load("expert page with track record", [`/api/experts/${data.busyExpertId}`], null, platform.url);
  await load("dashboard: student, pending", ["/api/invitations?bucket=pending"], student, platform.url);
  await load("dashboard: student, past", ["/api/invitations?bucket=past"], student, platform.url);
  await load("dashboard: expert, upcoming", ["/api/invitations?bucket=upcoming"], expert, platform.url);
} finally {
  await platform.stop();
}
