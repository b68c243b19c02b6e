/**
 * AWS partitions: the commercial one (aws), China (aws-cn) and GovCloud (US) (aws-us-gov). Each has its own
 * ARN prefix and its own endpoints for the global services; an integration lives in the partition of its
 * region. Pure.
 */
export const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export type TPartition = (typeof PARTITIONS)[number];

export function isPartition(value: string): value is TPartition {
  return (PARTITIONS as readonly string[]).includes(value);
}

/** The partition a region belongs to (cn-… China, us-gov-… GovCloud, every other region the commercial one). */
export function partitionOfRegion(region: string): TPartition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * Where a partition's global services answer: Organizations and IAM have one endpoint per partition, signed
 * for this region (Organizations: us-east-1, cn-northwest-1, us-gov-west-1; IAM: us-east-1, cn-north-1,
 * us-gov-west-1).
 */
export function globalServiceRegion(service: "organizations" | "iam", partition: TPartition): string {
  if (partition === "aws-cn") return service === "organizations" ? "cn-northwest-1" : "cn-north-1";
  if (partition === "aws-us-gov") return "us-gov-west-1";
  return "us-east-1";
}

/** The partition named by an ARN (`arn:<partition>:…`), or null when it names none this portal knows. */
export function partitionOfArn(arn: string): TPartition | null {
  const partition = arn.split(":")[1] ?? "";
  return isPartition(partition) ? partition : null;
}

/** The DNS suffix of the partition's service endpoints (as in kms:ViaService values). */
export function dnsSuffix(partition: TPartition): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** The AWS access portal where users sign in to use what they were granted (without a custom alias). */
export function accessPortalUrl(identityStoreId: string, region: string): string {
  const partition = partitionOfRegion(region);
  if (partition === "aws-us-gov") return `https://start.us-gov-home.awsapps.com/directory/${identityStoreId}`;
  if (partition === "aws-cn") return `https://start.home.awsapps.cn/directory/${identityStoreId}`;
  return `https://${identityStoreId}.awsapps.com/start`;
}
