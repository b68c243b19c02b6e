/**
 * The AWS partition the simulator plays: commercial (aws), China (aws-cn) or GovCloud (aws-us-gov). It follows
 * from the home region, as in AWS, and sets every ARN prefix, the enabled regions and the regions resources are
 * seeded in. Kept here rather than imported from lib/aws so the simulator stays self-contained.
 */
export const SIM_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;
export type SimPartition = (typeof SIM_PARTITIONS)[number];

// The three partitions the simulator plays: no ISO regions (they would silently play the commercial one).
const REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function isRegionName(region: string): boolean {
  return REGION_RE.test(region);
}

export function partitionOfRegion(region: string): SimPartition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The partition named by an ARN (`arn:<partition>:…`), whatever it is. */
export const arnPartition = (arn: string): string => arn.split(":")[1] ?? "";

interface PartitionInfo {
  /** DescribeRegions: the regions enabled for an account in the partition */
  enabledRegions: readonly string[];
  /** where the seeds spread buckets, instances and secrets (the first one is the default) */
  seededRegions: readonly string[];
  dnsSuffix: string;
  /** the SAML audience in the trust policy of a provisioned permission set's role */
  samlAudience: string;
}

export const PARTITION_INFO: Record<SimPartition, PartitionInfo> = {
  aws: {
    enabledRegions: [
      "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
      "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
      "ap-southeast-1", "ap-southeast-2", "sa-east-1",
    ],
    seededRegions: ["us-east-1", "eu-west-1"],
    dnsSuffix: "amazonaws.com",
    samlAudience: "https://signin.aws.amazon.com/saml",
  },
  "aws-us-gov": {
    enabledRegions: ["us-gov-east-1", "us-gov-west-1"],
    seededRegions: ["us-gov-west-1", "us-gov-east-1"],
    dnsSuffix: "amazonaws.com",
    samlAudience: "https://signin.amazonaws-us-gov.com/saml",
  },
  "aws-cn": {
    enabledRegions: ["cn-north-1", "cn-northwest-1"],
    seededRegions: ["cn-north-1", "cn-northwest-1"],
    dnsSuffix: "amazonaws.com.cn",
    samlAudience: "https://signin.amazonaws.cn/saml",
  },
};

/** Rewrites the partition of an ARN written for the commercial partition (the sample organization's constants). */
export const inPartition = (arn: string, partition: SimPartition): string => arn.replace(/^arn:aws:/, `arn:${partition}:`);
