import { IntegrationEditor } from "@/components/integration/integration-editor";
import { requireAdminPage } from "@/lib/auth/current-user";
import { loadIntegration } from "../load-integration";

export const metadata = { title: "Integration configuration" };

export default async function IntegrationConfigurationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  const integration = await loadIntegration(id);
  return <IntegrationEditor integrationId={id} initial={integration.config} loadedAt={integration.updatedAt} />;
}
