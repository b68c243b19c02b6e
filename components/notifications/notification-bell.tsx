"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { NOTIFICATIONS_POLL_MS, fetchNotifications, markNotificationsRead, notificationsQueryKey } from "./notifications-query";
import { formatDate } from "@/lib/format/time";

function timeAgo(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 1440) return `${Math.round(minutes / 60)} h ago`;
  return formatDate(iso);
}

/** The signed-in user's notifications: unread count on a bell, the latest ones in a panel. */
export function NotificationBell() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [now, setNow] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const query = useQuery({ queryKey: notificationsQueryKey, queryFn: fetchNotifications, refetchInterval: NOTIFICATIONS_POLL_MS });
  const mark = useMutation({
    mutationFn: markNotificationsRead,
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationsQueryKey }),
  });

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const unread = query.data?.unread ?? 0;
  const items = query.data?.items ?? [];

  return (
    <div ref={root} className="relative">
      <button
        type="button"
        onClick={() => {
          setNow(Date.now());
          setOpen((v) => !v);
        }}
        aria-expanded={open}
        aria-haspopup="dialog"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        data-testid="notification-bell"
        className="relative grid h-9 w-9 place-items-center rounded-md text-slate-700 hover:bg-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 ? (
          <span data-testid="notification-unread" className="absolute -right-0.5 -top-0.5 min-w-4 rounded-full bg-rose-600 px-1 text-center text-[10px] font-semibold leading-4 text-white">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          role="dialog"
          aria-label="Notifications"
          className="fixed inset-x-2 top-16 z-50 max-h-[70vh] overflow-hidden rounded-lg border border-slate-200 bg-white shadow-lg sm:absolute sm:inset-x-auto sm:right-0 sm:top-11 sm:w-96"
        >
          <div className="flex items-center justify-between border-b border-slate-100 px-4 py-2">
            <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
            <button
              type="button"
              disabled={unread === 0 || mark.isPending}
              onClick={() => mark.mutate({ all: true, upTo: items[0]?.createdAt })}
              className="text-xs font-medium text-sky-700 hover:underline disabled:text-slate-400 disabled:no-underline"
            >
              Mark all read
            </button>
          </div>
          {query.isError ? <p className="px-4 py-3 text-sm text-rose-700">{query.error.message}</p> : null}
          {items.length === 0 && !query.isError ? (
            <p className="px-4 py-6 text-center text-sm text-slate-600">
              {query.isPending ? "Loading…" : "No notifications yet. Decisions on your requests, requests waiting for your approval and changes to your access appear here."}
            </p>
          ) : (
            <ul className="max-h-[calc(70vh-2.5rem)] divide-y divide-slate-100 overflow-y-auto" data-testid="notification-list">
              {items.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    onClick={() => {
                      if (!n.readAt) mark.mutate({ ids: [n.id] });
                      setOpen(false);
                      if (n.link) router.push(n.link);
                    }}
                    className={`block w-full px-4 py-2.5 text-left hover:bg-slate-50 ${n.readAt ? "" : "bg-sky-50/60"}`}
                  >
                    <span className="flex items-start gap-2">
                      <span aria-hidden className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt ? "bg-transparent" : "bg-sky-600"}`} />
                      <span className="min-w-0">
                        <span className="block text-sm font-medium text-slate-900">
                          {n.title}
                          {n.readAt ? null : <span className="sr-only"> (unread)</span>}
                        </span>
                        <span className="mt-0.5 line-clamp-2 block whitespace-pre-line text-xs text-slate-600">{n.body}</span>
                        <span className="mt-0.5 block text-[11px] text-slate-400">{timeAgo(n.createdAt, now)}</span>
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
