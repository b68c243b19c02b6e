import Link from "next/link";
import { ConnectionTestPanel } from "@/components/integration/connection-test-panel";
import { DiscoveryPanel } from "@/components/integration/discovery-panel";
import { requireAdminPage } from "@/lib/auth/current-user";
import { loadIntegration } from "./load-integration";

export const metadata = { title: "Integration" };

export default async function IntegrationOverviewPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  const integration = await loadIntegration(id);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="space-y-6">
        <DiscoveryPanel integrationId={id} />
        <p className="text-sm text-slate-600">
          See what was found, grouped by sub-account, under{" "}
          <Link href={`/admin/integration/${id}/resources`} className="font-medium text-sky-700 hover:underline">
            Resources
          </Link>
          .
        </p>
      </div>
      <div className="space-y-6">
        <ConnectionTestPanel integrationId={id} />
        <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <h2 className="font-semibold text-slate-900">Identity Center</h2>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-slate-500">Instance</dt>
            <dd className="truncate font-mono text-xs leading-5">{integration.instanceArn ?? "discovered on the first run"}</dd>
            <dt className="text-slate-500">Identity store</dt>
            <dd className="truncate font-mono text-xs leading-5">{integration.identityStoreId ?? "discovered on the first run"}</dd>
            <dt className="text-slate-500">Schedule</dt>
            <dd>every {integration.syncIntervalMinutes} minutes</dd>
          </dl>
          <p className="mt-3 text-slate-600">
            Missing permissions? The{" "}
            <Link href={`/admin/integration/${id}/setup`} className="font-medium text-sky-700 hover:underline">
              Setup helper
            </Link>{" "}
            has the exact IAM policies and a CloudFormation template.
          </p>
        </section>
      </div>
    </div>
  );
}
