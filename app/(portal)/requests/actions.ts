"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { z } from "zod";
import { authedAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { cancelAccessRequest } from "@/lib/access/cancel-access-request";
import { requestExtension, ZRequestExtension } from "@/lib/access/request-extension";
import { revokeGrantEarly, ZRevokeGrantEarly } from "@/lib/access/revoke-grant-early";
import { notifyRequestSubmitted } from "@/lib/notifications/notify-request-submitted";

/** Cancels one of the signed-in user's pending requests (ownership checked in the domain function's where). */
export const cancelAccessRequestAction = authedAction
  .inputSchema(z.object({ requestId: z.string().trim().min(1).max(64) }))
  .action(async ({ parsedInput, ctx }) => {
    const result = await cancelAccessRequest(await getDb(), { id: ctx.user.id, email: ctx.user.email }, parsedInput.requestId);
    revalidatePath("/requests");
    return result;
  });

/** Asks for more time on one of the signed-in user's live grants. */
export const requestExtensionAction = authedAction.inputSchema(ZRequestExtension).action(async ({ parsedInput, ctx }) => {
  const db = await getDb();
  const result = await requestExtension(db, { id: ctx.user.id, email: ctx.user.email }, parsedInput);
  after(() => notifyRequestSubmitted(db, result.id));
  revalidatePath("/requests");
  return result;
});

/** Ends one of the signed-in user's grants now. */
export const revokeGrantEarlyAction = authedAction.inputSchema(ZRevokeGrantEarly).action(async ({ parsedInput, ctx }) => {
  const result = await revokeGrantEarly(await getDb(), { id: ctx.user.id, email: ctx.user.email }, parsedInput);
  revalidatePath("/requests");
  return result;
});
