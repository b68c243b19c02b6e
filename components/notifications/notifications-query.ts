import type { TNotificationItem } from "@/lib/notifications/list-notifications";

export const notificationsQueryKey = ["notifications"] as const;
export const NOTIFICATIONS_POLL_MS = 15_000;

export type TNotificationsResponse = { unread: number; items: TNotificationItem[] };

export async function fetchNotifications(): Promise<TNotificationsResponse> {
  const res = await fetch("/api/notifications", { cache: "no-store", headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`Notifications could not be loaded (HTTP ${res.status}).`);
  return (await res.json()) as TNotificationsResponse;
}

export async function markNotificationsRead(body: { ids: string[] } | { all: true; upTo?: string }): Promise<void> {
  const res = await fetch("/api/notifications/read", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`Could not mark notifications read (HTTP ${res.status}).`);
}
