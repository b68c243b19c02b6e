import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { listIntegrationNames } from "@/lib/integrations/list-integrations";
import { PolicyForm } from "../_components/policy-form";
import { EMPTY_POLICY } from "../_components/policy-form-values";

export const metadata = { title: "New policy" };

export default async function NewPolicyPage() {
  await requireAdminPage();
  const integrations = await listIntegrationNames(await getDb());
  return (
    <>
      <PageHeader title="New policy" description="Say what may be requested, by whom, for how long, and who approves." />
      <PolicyForm initial={{ ...EMPTY_POLICY, integrationId: integrations.length === 1 ? (integrations[0]?.id ?? null) : null }} integrations={integrations} />
    </>
  );
}
