import type { SimPartition } from "./partition";

export interface ManagedPolicy {
  name: string;
  path: string;
  arn: string;
  id: string;
}

const CATALOGUE: [string, string][] = [
  ["AdministratorAccess", "/"],
  ["ReadOnlyAccess", "/"],
  ["PowerUserAccess", "/"],
  ["SecurityAudit", "/"],
  ["ViewOnlyAccess", "/job-function/"],
  ["Billing", "/job-function/"],
  ["DatabaseAdministrator", "/job-function/"],
  ["DataScientist", "/job-function/"],
  ["AmazonS3ReadOnlyAccess", "/"],
  ["AmazonS3FullAccess", "/"],
  ["AmazonEC2ReadOnlyAccess", "/"],
  ["AmazonEC2FullAccess", "/"],
  ["SecretsManagerReadWrite", "/"],
  ["AWSCloudTrail_ReadOnlyAccess", "/"],
  ["AmazonAthenaFullAccess", "/"],
  ["AWSGlueConsoleFullAccess", "/"],
];

const byPartition = new Map<SimPartition, { list: ManagedPolicy[]; byArn: Map<string, ManagedPolicy> }>();

function catalogue(partition: SimPartition) {
  let c = byPartition.get(partition);
  if (!c) {
    const list = CATALOGUE.map(([name, path], i) => ({
      name,
      path,
      arn: `arn:${partition}:iam::aws:policy${path}${name}`,
      id: `ANPAJ${String(1000000000000 + i * 7919).padStart(16, "0")}`,
    }));
    c = { list, byArn: new Map(list.map((p) => [p.arn, p])) };
    byPartition.set(partition, c);
  }
  return c;
}

/** A small catalogue of AWS-managed policies: attachable to permission sets and listed by IAM Scope=AWS. Each partition has its own ARNs. */
export const awsManagedPolicies = (partition: SimPartition): ManagedPolicy[] => catalogue(partition).list;
export const awsManagedPolicyByArn = (partition: SimPartition, arn: string): ManagedPolicy | undefined => catalogue(partition).byArn.get(arn);
