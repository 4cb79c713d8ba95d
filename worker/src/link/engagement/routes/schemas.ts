import { z } from "@hono/zod-openapi";
import { problems } from "../../../shared/openapi";

/** Request and response shapes the engagement routes share. */
export const UserParam = z.object({ userId: z.string().uuid() });
export const IdParam = z.object({ id: z.string().uuid() });
export const TopicParam = z.object({ topic: z.string().min(1).max(60) });
export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const guarded = {
  400: problems[400],
  401: problems[401],
  403: problems[403],
  404: problems[404],
};
export const Liked = z.object({ liked: z.boolean(), likes: z.number().int() });
