import { partitionOfRegion, type TPartition } from "../aws/partition.ts";

type TDraftArns = {
  root_account: { region?: string; access_role_arn?: string };
  sub_accounts: { access_role_arn: string }[];
  options: { sso_instance_arn?: string };
};

function moveArn(arn: string | undefined, from: TPartition, to: TPartition): string | undefined {
  return arn?.startsWith(`arn:${from}:`) ? `arn:${to}:${arn.slice(`arn:${from}:`.length)}` : arn;
}

/**
 * Sets the root account's region; when that moves the integration to another partition (say us-east-1 →
 * us-gov-west-1), the ARNs the form holds in the old partition move with it, so an admin who only changes
 * the region is not told that the role ARNs they never touched are in the wrong partition. ARNs of any
 * other partition are left for validation to name. Pure.
 */
export function withRootRegion<T extends TDraftArns>(draft: T, region: string): T {
  const from = partitionOfRegion(draft.root_account.region || "us-east-1");
  const to = partitionOfRegion(region || "us-east-1");
  const root = { ...draft.root_account, region };
  if (from === to) return { ...draft, root_account: root };
  const roleArn = moveArn(root.access_role_arn, from, to);
  const instanceArn = moveArn(draft.options.sso_instance_arn, from, to);
  return {
    ...draft,
    root_account: roleArn === undefined ? root : { ...root, access_role_arn: roleArn },
    sub_accounts: draft.sub_accounts.map((e) => ({ ...e, access_role_arn: moveArn(e.access_role_arn, from, to) ?? e.access_role_arn })),
    options: instanceArn === undefined ? draft.options : { ...draft.options, sso_instance_arn: instanceArn },
  };
}
