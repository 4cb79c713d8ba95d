import type { Env } from "../../env";
import type { Drafter } from "./interface";
import { localDrafter } from "./local";

/**
 * Configuration picks the implementation. The OpenAI adapter (OPENAI_API_KEY) arrives with the
 * AI-drafts work; until then a configured key is refused loudly rather than silently ignored.
 */
export function drafterFor(env: Env): Drafter {
  if (env.OPENAI_API_KEY) throw new Error("OPENAI_API_KEY is set but the OpenAI adapter is not built yet");
  return localDrafter;
}
