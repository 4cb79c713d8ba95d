import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { BadRequest } from "./errors";

/** Every router shares one validation hook: bad input becomes a 400 problem naming each field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new BadRequest("The request is not valid.", {
          errors: result.error.issues.map((issue) => ({
            path: issue.path.join("."),
            message: issue.message,
          })),
        });
      }
    },
  });
}
export type Router = ReturnType<typeof createRouter>;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    requestId: z.string(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

export const problems = {
  400: problem("Invalid input"),
  401: problem("Not signed in"),
  403: problem("Not allowed, or no CSRF proof"),
  404: problem("Not found"),
  409: problem("Conflict"),
  413: problem("Body too large"),
  415: problem("Unsupported media type"),
  429: problem("Rate limited; see Retry-After"),
  503: problem("A dependency is down; see Retry-After"),
} as const;

/** The answers of a signed-in act on one thing: bad input, not signed in, not allowed, no such thing, a conflict. */
export const guardedProblems = {
  400: problems[400],
  401: problems[401],
  403: problems[403],
  404: problems[404],
  409: problems[409],
} as const;

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .email()
  .max(254)
  .openapi({ example: "aisyah@siswa.um.edu.my" });
export const Password = z.string().min(1).max(256);
