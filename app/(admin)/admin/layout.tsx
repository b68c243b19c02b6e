import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireAdminPage } from "@/lib/auth/current-user";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireAdminPage();
  return (
    <AppShell user={user} demo={env.DEMO_MODE}>
      {children}
    </AppShell>
  );
}
