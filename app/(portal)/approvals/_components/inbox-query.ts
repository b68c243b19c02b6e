import type { TApproverInbox } from "@/lib/access/list-approver-inbox";

export const approverInboxQueryKey = ["approvals", "inbox"] as const;

/** Polling keeps the inbox current when other approvers decide or new requests arrive. */
export const INBOX_POLL_MS = 10_000;

export async function fetchApproverInbox(): Promise<TApproverInbox> {
  const res = await fetch("/api/approvals", { cache: "no-store", headers: { accept: "application/json" } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `The inbox could not be loaded (HTTP ${res.status}).`);
  }
  return (await res.json()) as TApproverInbox;
}
