"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { authedAction } from "@/lib/auth/action-client";
import { decideAccessRequest, ZDecideAccessRequest } from "@/lib/access/decide-access-request";
import { getDb } from "@/lib/db/client";

/** Approve or deny one request at the step the approver saw; eligibility is checked in the domain function. */
export const decideAccessRequestAction = authedAction.inputSchema(ZDecideAccessRequest).action(async ({ parsedInput, ctx }) => {
  const result = await decideAccessRequest(await getDb(), ctx.user, parsedInput, { defer: (task) => after(task) });
  revalidatePath("/approvals");
  revalidatePath("/requests");
  return result;
});
