import "server-only";
import { forbidden } from "next/navigation";
import { createSafeActionClient } from "next-safe-action";
import { isAppError } from "../errors/app-error.ts";
import { getCurrentUser } from "./current-user.ts";

/**
 * Every server action is built on one of these clients. Expected errors (AppError) reach the
 * user as their safe `userMessage`; anything else is logged and replaced by a generic message.
 */
export const actionClient = createSafeActionClient({
  handleServerError(error) {
    if (isAppError(error)) return error.userMessage;
    console.error("server action failed", error);
    return "Something went wrong. The error was logged.";
  },
});

/** Signed-in users. */
export const authedAction = actionClient.use(async ({ next }) => {
  const user = await getCurrentUser();
  if (!user) forbidden();
  return next({ ctx: { user } });
});

/** Admins only: anyone else gets HTTP 403 and the action body never runs. */
export const adminAction = actionClient.use(async ({ next }) => {
  const user = await getCurrentUser();
  if (!user?.isAdmin) forbidden();
  return next({ ctx: { user } });
});
