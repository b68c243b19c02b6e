"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import type { TApproverInbox } from "@/lib/access/list-approver-inbox";
import { ApprovalCard, type TDecisionNotice } from "./approval-card";
import { INBOX_POLL_MS, approverInboxQueryKey, fetchApproverInbox } from "./inbox-query";

export function ApprovalInbox({ initial }: { initial: TApproverInbox }) {
  const query = useQuery({
    queryKey: approverInboxQueryKey,
    queryFn: fetchApproverInbox,
    initialData: initial,
    refetchInterval: INBOX_POLL_MS,
    refetchIntervalInBackground: false,
  });
  const { items, linked } = query.data;
  const [notices, setNotices] = useState<TDecisionNotice[]>([]);

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-2 text-xs text-slate-500" aria-live="polite">
        <span data-testid="approvals-count">
          {items.length === 0 ? "Nothing waiting" : `${items.length} request${items.length === 1 ? "" : "s"} waiting for you`}
        </span>
        <span suppressHydrationWarning>
          {query.isFetching ? "Refreshing…" : `Updated ${new Date(query.dataUpdatedAt).toLocaleTimeString(undefined, { timeStyle: "short" })}`}
          {query.isError ? <span className="ml-2 text-rose-700">{query.error.message}</span> : null}
        </span>
      </div>
      {notices.length > 0 ? (
        <ul className="space-y-2" aria-live="polite" data-testid="decision-notices">
          {notices.map((notice) => (
            <li
              key={notice.id}
              role={notice.tone === "error" ? "alert" : "status"}
              className={`flex items-start justify-between gap-3 rounded-md px-3 py-2 text-sm ${notice.tone === "error" ? "bg-rose-50 text-rose-800" : "bg-emerald-50 text-emerald-800"}`}
            >
              <span className="min-w-0 break-words">{notice.text}</span>
              <button
                type="button"
                className="shrink-0 text-xs font-medium underline"
                onClick={() => setNotices((all) => all.filter((n) => n.id !== notice.id))}
              >
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {items.length === 0 ? (
        <EmptyState title="Nothing is waiting for you">
          {linked ? (
            <>Requests appear here when a policy names you, or a group you belong to, as an approver of the step they have reached. You never see your own requests here. This page refreshes by itself.</>
          ) : (
            <>Your sign-in email does not match an Identity Center user the portal has discovered, so no policy can name you as an approver. Ask an administrator to check your Identity Center user and run discovery.</>
          )}
        </EmptyState>
      ) : (
        <ul className="space-y-4">
          {items.map((item) => (
            <li key={`${item.id}:${item.step.index}`}>
              <ApprovalCard item={item} onOutcome={(notice) => setNotices((all) => [notice, ...all].slice(0, 5))} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
