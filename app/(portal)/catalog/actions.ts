"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { authedAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { submitAccessRequest, ZSubmitAccessRequest } from "@/lib/access/submit-access-request";
import { notifyRequestSubmitted } from "@/lib/notifications/notify-request-submitted";

/** Submits a request as the signed-in user; the domain function re-checks eligibility on the server. */
export const submitAccessRequestAction = authedAction.inputSchema(ZSubmitAccessRequest).action(async ({ parsedInput, ctx }) => {
  const db = await getDb();
  const result = await submitAccessRequest(db, { id: ctx.user.id, email: ctx.user.email }, parsedInput);
  // Approvers hear about it after the response: SMTP or Slack never slow down or undo a submit.
  after(() => notifyRequestSubmitted(db, result.id));
  revalidatePath("/requests");
  return result;
});
