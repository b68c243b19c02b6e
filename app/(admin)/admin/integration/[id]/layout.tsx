import Link from "next/link";
import type { ReactNode } from "react";
import { IntegrationTabs } from "@/components/integration/integration-tabs";
import { Badge } from "@/components/ui/badge";
import { requireAdminPage } from "@/lib/auth/current-user";
import { loadIntegration } from "./load-integration";

export default async function IntegrationLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  const integration = await loadIntegration(id);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/integration" className="text-slate-600 hover:text-slate-900">
          ← Integrations
        </Link>
      </p>
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{integration.name}</h1>
        {!integration.enabled ? <Badge>disabled</Badge> : null}
        <Badge tone="violet">{integration.authMethod === "ACCESS_KEY" ? "access key" : "assumed role"}</Badge>
      </div>
      <IntegrationTabs id={id} />
      {children}
    </>
  );
}
