"use server";

import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { disableUser, enableUser, endUserSessions, resetSignInLink, ZDisableUser, ZEnableUser, ZEndUserSessions, ZResetSignInLink } from "@/lib/people/manage-people";

export const disableUserAction = adminAction.inputSchema(ZDisableUser).action(async ({ parsedInput, ctx }) => {
  const result = await disableUser(await getDb(), ctx.user, parsedInput);
  revalidatePath("/admin/people");
  revalidatePath("/admin/grants");
  return result;
});

export const enableUserAction = adminAction.inputSchema(ZEnableUser).action(async ({ parsedInput, ctx }) => {
  const result = await enableUser(await getDb(), ctx.user, parsedInput);
  revalidatePath("/admin/people");
  return result;
});

export const endUserSessionsAction = adminAction.inputSchema(ZEndUserSessions).action(async ({ parsedInput, ctx }) => {
  const result = await endUserSessions(await getDb(), ctx.user, parsedInput);
  revalidatePath("/admin/people");
  return result;
});

export const resetSignInLinkAction = adminAction.inputSchema(ZResetSignInLink).action(async ({ parsedInput, ctx }) => {
  const result = await resetSignInLink(await getDb(), ctx.user, parsedInput);
  revalidatePath("/admin/people");
  return result;
});
