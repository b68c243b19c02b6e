import type { z } from "zod";
import { AppError } from "./app-error.ts";

/**
 * Validates a lib function's input: the parsed value, or INVALID_INPUT whose userMessage lists every
 * problem in the schema's own words (the zod issues stay in `details` for logs). Pure.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("INVALID_INPUT", { message: parsed.error.message, userMessage: parsed.error.issues.map((i) => i.message).join("; "), details: parsed.error.issues });
  }
  return parsed.data;
}
