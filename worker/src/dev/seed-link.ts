import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { parseTopics } from "../link";
import { boardNotes, boards, comments, follows, noteLikes, topicFollows } from "../link/engagement/schema";
import { noteImages, notes, noteTopics } from "../link/notes/schema";
import { type DemoPicture, demoPng } from "./demo-image";

type Rgb = [number, number, number];
const PALETTES: [Rgb, Rgb][] = [
  [
    [255, 183, 178],
    [255, 221, 148],
  ],
  [
    [165, 214, 247],
    [196, 181, 253],
  ],
  [
    [187, 247, 208],
    [134, 239, 172],
  ],
  [
    [253, 230, 138],
    [252, 165, 165],
  ],
  [
    [199, 210, 254],
    [244, 194, 254],
  ],
  [
    [153, 246, 228],
    [125, 211, 252],
  ],
];

/** [author index among the demo students, title, body, images, hours ago]. Students 21–50 post nothing. */
const DEMO_NOTES: [number, string, string, number, number][] = [
  [
    0,
    "My internship offer timeline",
    "Applied in August, 3 rounds, offer in October. Start early and keep a tracker! #internship #careers",
    3,
    2,
  ],
  [
    1,
    "Best nasi lemak near campus",
    "Ranked five stalls within walking distance. The one behind the library wins on sambal. #food #campuslife",
    2,
    5,
  ],
  [
    2,
    "Hackathon weekend recap",
    "36 hours, 4 people, one working demo. What we'd do differently next time. #hackathon #coding",
    4,
    9,
  ],
  [
    3,
    "How I finally understood transformers",
    "Drew the attention matrix by hand for a 4-word sentence. It clicked. Notes inside. #ai #studytips",
    2,
    14,
  ],
  [
    4,
    "Final year project ideas that got approved",
    "Supervisors liked problems with real users. Here are six that made it through. #finalyear",
    1,
    20,
  ],
  [5, "期末复习时间表", "把每科拆成小块，每天两个番茄钟，周末做模拟考。#studytips #finalyear", 2, 26],
  [
    6,
    "Pitching to my first angel investor",
    "Ten slides, seven minutes, three questions I wasn't ready for. #startups",
    3,
    30,
  ],
  [
    7,
    "Scholarship essay that worked",
    "Tell one story, not your whole CV. My draft vs. final. #scholarship",
    1,
    40,
  ],
  [
    8,
    "Career fair checklist",
    "Printed CV, a 30-second intro, and two questions per booth. #careers #internship",
    2,
    47,
  ],
  [
    9,
    "Library seats with sockets (map)",
    "Level 3 east wing has the most. Avoid the glass room after 2pm. #campuslife #studytips",
    1,
    52,
  ],
  [
    10,
    "Figma tricks for class projects",
    "Auto layout, variants and a shared style guide saved our group hours. #design",
    3,
    60,
  ],
  [
    11,
    "第一次参加黑客松",
    "从零到一做了个校园二手平台，评委最喜欢的是用户访谈部分。#hackathon #startups",
    2,
    70,
  ],
  [
    12,
    "LeetCode plan for 8 weeks",
    "Arrays and strings first, graphs last. One mock interview a week. #coding #internship",
    1,
    80,
  ],
  [
    13,
    "Weekend trip to Cameron Highlands",
    "Strawberries, tea fields and a cold night. Budget breakdown for students. #campuslife",
    4,
    90,
  ],
  [
    14,
    "Fine-tuning a small model on my thesis data",
    "A 1B model on a laptop GPU, with LoRA. What worked and what melted. #ai #finalyear",
    2,
    100,
  ],
  [
    15,
    "Cover letter template (free)",
    "Three paragraphs: why them, why you, what next. Feedback welcome. #careers",
    1,
    110,
  ],
  [
    16,
    "Startup club's first demo day",
    "Eight teams, two got meetings with VCs. Photos from the night. #startups #campuslife",
    3,
    120,
  ],
  [
    17,
    "Study group rules that stick",
    "Phones in a box, one presenter per topic, end with a quiz. #studytips",
    1,
    130,
  ],
  [
    18,
    "My UX portfolio in 3 case studies",
    "Problem, process, outcome. Keep each under two minutes to read. #design #internship",
    2,
    140,
  ],
  [
    19,
    "AI tools I use for research (and limits)",
    "Good for summarising, bad at citations. Always check the source. #ai #studytips",
    2,
    150,
  ],
  [
    0,
    "Internship week one",
    "Laptop setup, onboarding buddy, first pull request merged on Friday. #internship",
    2,
    160,
  ],
  [3, "Reading group: attention is all you need", "We meet Thursdays, all levels welcome. #ai", 1, 170],
  [
    6,
    "Customer interviews, 20 in 10 days",
    "What I asked, what surprised me, and the one insight that changed our product. #startups",
    2,
    180,
  ],
  [9, "Cheap eats under RM10", "A list that keeps growing. Add yours in the comments! #food", 3, 200],
];

const DEMO_COMMENTS = [
  "This is so useful, thank you!",
  "Saving this for next semester.",
  "Which company was it, if you don't mind sharing?",
  "Totally agree with the tracker tip.",
  "太有用了，收藏了！",
  "Can you share the template?",
];

const HOUR = 3_600_000;

/**
 * atas-link demo content: notes with real PNG pictures in R2, follows among the first twenty
 * students, likes, comments and a board. Idempotent: ids are stable and rows are insert-or-ignore.
 */
export async function seedLinkDemo(
  db: Db,
  uploads: R2Bucket,
  input: {
    studentIds: string[];
    campusOf: (index: number) => string;
    stableId: (key: string) => Promise<string>;
    now: number;
  },
): Promise<{ statements: BatchItem<"sqlite">[]; notes: { id: string; createdAt: number }[] }> {
  const { studentIds, campusOf, stableId, now } = input;
  const statements: BatchItem<"sqlite">[] = [];
  const posted: { id: string; createdAt: number }[] = [];
  const student = (i: number) => studentIds[i] ?? "";

  // Each of the first twenty students follows the next five (a ring), so following feeds have content.
  for (let i = 0; i < 20; i++)
    for (let k = 1; k <= 5; k++)
      statements.push(
        db
          .insert(follows)
          .values({ followerId: student(i), followeeId: student((i + k) % 20), createdAt: now })
          .onConflictDoNothing(),
      );
  for (const [i, topic] of [
    [0, "internship"],
    [0, "ai"],
    [1, "food"],
    [2, "hackathon"],
    [3, "ai"],
  ] as const)
    statements.push(
      db
        .insert(topicFollows)
        .values({ userId: student(i), topic, createdAt: now })
        .onConflictDoNothing(),
    );

  for (const [n, [author, title, body, pictures, hoursAgo]] of DEMO_NOTES.entries()) {
    const noteId = await stableId(`note:${n}`);
    const createdAt = now - hoursAgo * HOUR;
    posted.push({ id: noteId, createdAt });
    statements.push(
      db
        .insert(notes)
        .values({
          id: noteId,
          authorId: student(author),
          campusId: campusOf(author),
          title,
          body,
          visibility: "public",
          createdAt,
        })
        .onConflictDoNothing(),
    );
    const topics = parseTopics(body);
    if (topics.length)
      statements.push(
        db
          .insert(noteTopics)
          .values(topics.map((topic) => ({ noteId, topic, createdAt })))
          .onConflictDoNothing(),
      );
    for (let p = 0; p < pictures; p++) {
      const imageId = await stableId(`note:${n}:image:${p}`);
      const key = `demo/notes/${imageId}.png`;
      const palette = PALETTES[(n + p) % PALETTES.length] ?? PALETTES[0];
      if (!palette) continue;
      // Portrait, square and landscape, as phones give them; the masonry feed needs the variety.
      const shape = (n + p) % 3;
      const picture: DemoPicture = {
        width: 360,
        height: shape === 0 ? 480 : shape === 1 ? 360 : 270,
        from: palette[0],
        to: palette[1],
        seed: n * 31 + p + 1,
      };
      if (!(await uploads.head(key))) {
        const png = await demoPng(picture);
        await uploads.put(key, png, { httpMetadata: { contentType: "image/png" } });
      }
      statements.push(
        db
          .insert(noteImages)
          .values({
            id: imageId,
            ownerId: student(author),
            key,
            contentType: "image/png",
            displayKey: key,
            displayContentType: "image/png",
            width: picture.width,
            height: picture.height,
            bytes: 0,
            displayBytes: 0,
            createdAt,
            noteId,
            position: p,
          })
          .onConflictDoNothing(),
      );
    }
    // Likes from a few of the twenty, more on older notes; the counters follow by trigger.
    const likers = (n * 7 + 3) % 12;
    for (let k = 1; k <= likers; k++) {
      const liker = (author + k * 3) % 20;
      if (liker === author) continue;
      statements.push(
        db
          .insert(noteLikes)
          .values({ noteId, userId: student(liker), createdAt: createdAt + k * HOUR })
          .onConflictDoNothing(),
      );
    }
    if (n % 2 === 0) {
      const commenter = (author + 1) % 20;
      statements.push(
        db
          .insert(comments)
          .values({
            id: await stableId(`note:${n}:comment`),
            noteId,
            authorId: student(commenter),
            body: DEMO_COMMENTS[n % DEMO_COMMENTS.length] ?? "Nice!",
            createdAt: createdAt + 2 * HOUR,
          })
          .onConflictDoNothing(),
      );
    }
  }

  const boardId = await stableId("board:student01:career");
  statements.push(
    db
      .insert(boards)
      .values({ id: boardId, ownerId: student(0), name: "Career prep", visibility: "public", createdAt: now })
      .onConflictDoNothing(),
  );
  for (const n of [8, 15, 12])
    statements.push(
      db
        .insert(boardNotes)
        .values({ boardId, noteId: await stableId(`note:${n}`), createdAt: now })
        .onConflictDoNothing(),
    );
  return { statements, notes: posted };
}
