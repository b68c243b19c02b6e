import { PageHeader } from "@/components/ui/page-header";
import { listApproverInbox } from "@/lib/access/list-approver-inbox";
import { requireUser } from "@/lib/auth/current-user";
import { getDb } from "@/lib/db/client";
import { ApprovalInbox } from "./_components/approval-inbox";

export const metadata = { title: "Approvals" };
export const dynamic = "force-dynamic";

export default async function ApprovalsPage() {
  const user = await requireUser();
  const inbox = await listApproverInbox(await getDb(), user);
  return (
    <>
      <PageHeader title="Approvals" description="Requests waiting for your decision. Check what is asked, for how long and why, then approve or deny." />
      <ApprovalInbox initial={inbox} />
    </>
  );
}
