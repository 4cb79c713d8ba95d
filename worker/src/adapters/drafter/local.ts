import type { Drafter, DraftRequest, DraftUsage } from "./interface";

/**
 * The local twin of the OpenAI drafter: it writes a real proposal from the request's data (greeting,
 * why this expert, what the audience gains, logistics, the ask with the deadline, a close), in the
 * requested language, tone and length, and streams it a few words at a time as a model would.
 * Usage is counted as a model would bill it, roughly: four characters a token.
 */
export function pacedLocalDrafter(paceMs: number): Drafter {
  return {
    name: "local",
    async *draft(request: DraftRequest, signal?: AbortSignal): AsyncGenerator<string, DraftUsage, void> {
      const text = request.language === "zh" ? chinese(request) : english(request);
      for (const chunk of chunks(text, request.language)) {
        signal?.throwIfAborted();
        if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
        yield chunk;
      }
      return {
        promptTokens: Math.ceil(JSON.stringify(request).length / 4),
        completionTokens: Math.ceil(text.length / (request.language === "zh" ? 1 : 4)),
      };
    },
  };
}

/** About 40 words a second: slow enough to watch, fast enough not to wait for. */
export const localDrafter = pacedLocalDrafter(25);

function chunks(text: string, language: DraftRequest["language"]): string[] {
  if (language === "zh") return text.match(/[\s\S]{1,3}/gu) ?? [];
  const words = text.match(/\S+\s*|\s+/gu) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 2) out.push(words.slice(i, i + 2).join(""));
  return out;
}

const list = (items: string[], and: string) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} ${and} ${items.at(-1)}`;

function english(r: DraftRequest): string {
  const { invitation: inv, expert, requester, tone, length } = r;
  const campus = requester.campus ? ` at ${requester.campus}` : "";
  const paragraphs: string[] = [];
  paragraphs.push(`Dear ${expert.name},`);
  paragraphs.push(
    requester.kind === "club"
      ? `I am writing on behalf of ${requester.name}${campus}. We would like to invite you to give a ${inv.kind} for our members: "${inv.title}".`
      : `My name is ${requester.name}, a student${campus}. I would like to invite you to a ${inv.kind}: "${inv.title}".`,
  );
  const role = [expert.headline, expert.company ? `at ${expert.company}` : ""].filter(Boolean).join(" ");
  const why = [
    role ? `Your work as ${role} is exactly the perspective we are looking for.` : "",
    expert.topics.length
      ? `You speak about ${list(expert.topics.slice(0, 3), "and")}, which is close to what we want to cover.`
      : "",
    length !== "short" && expert.pastTalks.length
      ? `Students still mention your session${expert.pastTalks.length > 1 ? "s" : ""} on ATAS, ${list(
          expert.pastTalks.map((t) => `"${t}"`),
          "and",
        )}.`
      : "",
  ].filter(Boolean);
  if (why.length) paragraphs.push(why.join(" "));
  const gains = [
    `About ${inv.audienceSize} ${inv.audienceSize === 1 ? "person" : "people"} will attend.`,
    `What we have in mind: ${inv.agenda.trim().replace(/\.?$/u, ".")}`,
    tone === "concise"
      ? "They would leave with a practitioner's view that lectures cannot give them."
      : "Hearing this from someone who does the work every day would give them a practitioner's view that lectures cannot, and a clearer idea of where their studies can lead.",
    length === "long"
      ? "We will collect the audience's questions a week before, so the discussion can go straight to what they most want to know."
      : "",
  ].filter(Boolean);
  paragraphs.push(gains.join(" "));
  const logistics = [
    `Proposed time${inv.slots.length > 1 ? "s" : ""} (${inv.timeZone}): ${inv.slots.join("; ")}.`,
    `Duration: ${inv.durationMinutes} minutes.`,
    inv.format === "online"
      ? "Format: online; we will send the meeting link."
      : `Format: on site${inv.venue ? ` at ${inv.venue}` : ""}.`,
    inv.honorarium
      ? `Honorarium: ${inv.honorarium}.`
      : "We are not able to offer an honorarium, but we will gladly cover the organising and promote the session widely.",
  ];
  paragraphs.push(logistics.join("\n"));
  if (length === "long")
    paragraphs.push(
      "We will take care of the room or the meeting, the equipment and the promotion, and share a short brief about the audience beforehand. If a different format suits you better, we are happy to adapt.",
    );
  paragraphs.push(
    `Would you be available for one of these times? We would be grateful for your reply by ${inv.deadline}, so that we can confirm the arrangements in good time.`,
  );
  paragraphs.push(
    tone === "formal"
      ? `Thank you for your time and consideration.\n\nYours sincerely,\n${requester.name}`
      : tone === "warm"
        ? `Thank you for considering this; it would mean a great deal to us.\n\nWarm regards,\n${requester.name}`
        : `Thank you.\n\nBest regards,\n${requester.name}`,
  );
  return paragraphs.join("\n\n");
}

function chinese(r: DraftRequest): string {
  const { invitation: inv, expert, requester, tone, length } = r;
  const campus = requester.campus ?? "";
  const paragraphs: string[] = [];
  paragraphs.push(tone === "warm" ? `亲爱的${expert.name}：` : `尊敬的${expert.name}：`);
  paragraphs.push(
    requester.kind === "club"
      ? `您好！我谨代表${campus}${requester.name}，诚邀您为我们的成员举办一场${inv.kind}，主题为「${inv.title}」。`
      : `您好！我是${campus}的学生${requester.name}，诚邀您参加一场${inv.kind}，主题为「${inv.title}」。`,
  );
  const why = [
    expert.headline
      ? `您作为${expert.company ? `${expert.company}的` : ""}${expert.headline}，正是我们希望邀请的业界前辈。`
      : "",
    expert.topics.length ? `您关注的${expert.topics.slice(0, 3).join("、")}与本次活动的主题十分契合。` : "",
    length !== "short" && expert.pastTalks.length
      ? `同学们至今仍记得您在 ATAS 上的分享：${expert.pastTalks.map((t) => `「${t}」`).join("、")}。`
      : "",
  ].filter(Boolean);
  if (why.length) paragraphs.push(why.join(""));
  paragraphs.push(
    [
      `预计约有${inv.audienceSize}人参加。`,
      `活动安排：${inv.agenda.trim()}`,
      /[。.!！]$/u.test(inv.agenda.trim()) ? "" : "。",
      "来自一线的经验能让同学们获得课堂上学不到的实践视角，也更清楚自己所学能走向何方。",
      length === "long" ? "我们会提前一周收集观众的问题，让交流直奔大家最关心的内容。" : "",
    ].join(""),
  );
  paragraphs.push(
    [
      `建议时间（${inv.timeZone}）：${inv.slots.join("；")}`,
      `时长：${inv.durationMinutes}分钟`,
      inv.format === "online"
        ? "形式：线上（我们会发送会议链接）"
        : `形式：线下${inv.venue ? `，地点：${inv.venue}` : ""}`,
      inv.honorarium ? `酬劳：${inv.honorarium}` : "酬劳：暂无，但我们会负责全部组织与宣传工作。",
    ].join("\n"),
  );
  if (length === "long")
    paragraphs.push("场地或线上会议、设备与宣传均由我们负责；如您希望调整形式，我们也乐意配合。");
  paragraphs.push(`请问您能否在以上时间中选择一个？恳请您在${inv.deadline}之前回复，以便我们及时确认安排。`);
  paragraphs.push(
    tone === "formal"
      ? `感谢您的时间与考虑。\n\n此致\n敬礼\n${requester.name}`
      : `衷心感谢您的考虑！\n\n${requester.name}`,
  );
  return paragraphs.join("\n\n");
}
