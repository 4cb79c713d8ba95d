import type { Env } from "../../env";
import type { Drafter } from "./interface";
import { localDrafter, pacedLocalDrafter } from "./local";
import { openaiDrafter } from "./openai";

/** Configuration picks the implementation: OPENAI_API_KEY selects OpenAI, else the local twin. */
export function drafterFor(env: Env): Drafter {
  if (!env.OPENAI_API_KEY)
    return env.LOCAL_DRAFTER_PACE_MS ? pacedLocalDrafter(Number(env.LOCAL_DRAFTER_PACE_MS)) : localDrafter;
  return openaiDrafter({
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL || undefined,
    model: env.OPENAI_MODEL || undefined,
  });
}
