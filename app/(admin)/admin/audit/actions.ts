"use server";

import { adminAction } from "@/lib/auth/action-client";
import { getDb } from "@/lib/db/client";
import { verifyAuditChain } from "@/lib/audit/verify-audit-chain";

export const verifyAuditChainAction = adminAction.action(async () => {
  const report = await verifyAuditChain(await getDb());
  return report;
});
