import type { Drafter, DraftRequest } from "./interface";

/** The local twin of the OpenAI drafter: a grounded template over the request's data, streamed in chunks. */
export const localDrafter: Drafter = {
  async *draft(request: DraftRequest) {
    const from = request.campusName
      ? `${request.requesterName} (${request.campusName})`
      : request.requesterName;
    const text =
      request.language === "zh"
        ? `${request.expertName}您好，\n\n我们是${from}。鉴于您在「${request.expertHeadline}」方面的经验，诚邀您参加${request.kind}「${request.title}」。\n\n议程：${request.agenda}\n\n期待您的回复。`
        : `Dear ${request.expertName},\n\nWe are ${from}. Your work as ${request.expertHeadline} is why we would like to invite you to a ${request.kind}: "${request.title}".\n\nAgenda: ${request.agenda}\n\nWe would be grateful for your reply.`;
    for (const chunk of text.match(/.{1,24}/gsu) ?? []) yield chunk;
  },
};
