"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { adminAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { forceRevokeGrant, ZForceRevokeGrant } from "@/lib/provisioning/force-revoke-grant";
import { retryGrant, ZRetryGrant } from "@/lib/provisioning/retry-grant";
import { runReconcileNow } from "@/lib/provisioning/run-reconcile-now";

export const forceRevokeGrantAction = adminAction.inputSchema(ZForceRevokeGrant).action(async ({ parsedInput, ctx }) => {
  const result = await forceRevokeGrant(await getDb(), ctx.user, parsedInput);
  revalidatePath("/admin/grants");
  return result;
});

export const retryGrantAction = adminAction.inputSchema(ZRetryGrant).action(async ({ parsedInput, ctx }) => {
  const result = await retryGrant(await getDb(), ctx.user, parsedInput);
  revalidatePath("/admin/grants");
  return result;
});

export const runReconcileNowAction = adminAction.action(async ({ ctx }) => {
  // The findings' email goes out after the answer: the admin does not wait on SMTP.
  const result = await runReconcileNow(await getDb(), ctx.user, { defer: (task) => after(task) });
  revalidatePath("/admin/grants");
  return result;
});
