import Link from "next/link";
import type { ReactNode } from "react";
import type { TPortalUser } from "@/lib/auth/current-user";
import { Badge } from "@/components/ui/badge";
import { NotificationBell } from "@/components/notifications/notification-bell";
import { NavLinks, type TNavItem } from "./nav-links";
import { SignOutButton } from "./sign-out-button";

export function AppShell({ user, demo, children }: { user: TPortalUser; demo: boolean; children: ReactNode }) {
  const items: TNavItem[] = [
    { href: "/catalog", label: "Catalog" },
    { href: "/requests", label: "My requests" },
    { href: "/approvals", label: "Approvals" },
    ...(user.isAdmin ? [{ href: "/admin", label: "Admin" }] : []),
  ];
  return (
    <div className="min-h-screen">
      {demo ? (
        <div className="bg-amber-100 px-4 py-1 text-center text-xs font-medium text-amber-900">
          Demo mode: embedded database and simulated AWS organization. Not for production.
        </div>
      ) : null}
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto grid max-w-7xl grid-cols-[1fr_auto] items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6 lg:grid-cols-[auto_1fr_auto]">
          <Link href="/catalog" className="flex shrink-0 items-center gap-2 font-semibold text-slate-900">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-slate-900 text-xs font-bold text-white">
              JIT
            </span>
            <span>Access Portal</span>
          </Link>
          <div className="col-span-2 row-start-2 min-w-0 lg:col-span-1 lg:col-start-2 lg:row-start-1">
            <NavLinks items={items} />
          </div>
          <div className="flex min-w-0 items-center justify-end gap-3" data-testid="signed-in-user">
            <div className="min-w-0 text-right">
              <div className="truncate text-sm font-medium text-slate-900">{user.name ?? user.email}</div>
              <div className="flex items-center justify-end gap-1.5 text-xs text-slate-500">
                <span className="hidden truncate sm:inline">{user.email}</span>
                <Badge tone={user.isAdmin ? "violet" : "neutral"}>{user.isAdmin ? "admin" : "member"}</Badge>
              </div>
            </div>
            <NotificationBell />
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 sm:py-8">{children}</main>
    </div>
  );
}
