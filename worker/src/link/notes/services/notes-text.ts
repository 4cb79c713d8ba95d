export const NOTE_TOPICS_MAX = 20;

/**
 * The `#topics` of a note body, lowercased, unique, in order of first use. A topic is letters,
 * digits and underscores in any script (`#留学`, `#KL_food`); `C#` or `&#39;` are not topics.
 */
export function parseTopics(body: string): string[] {
  const topics = new Set<string>();
  for (const match of body.matchAll(/(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]{1,40})/gu)) {
    const topic = match[1]?.toLowerCase();
    if (topic) topics.add(topic);
    if (topics.size === NOTE_TOPICS_MAX) break;
  }
  return [...topics];
}
