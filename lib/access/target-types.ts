/**
 * The kinds of target a request can point at. `RESOURCE_TYPES` mirrors the Prisma enum `ResourceType`
 * (kept here, not imported, because the generated client is a build artefact and these modules are pure;
 * `target-types.test.ts` fails if the two drift). `Policy.targetTypes` stores these plus PERMISSION_SET and GROUP.
 */
export const RESOURCE_TYPES = ["IAM_ROLE", "IAM_POLICY", "S3_BUCKET", "EC2_INSTANCE", "SECRET"] as const;
export type TResourceType = (typeof RESOURCE_TYPES)[number];

export const TARGET_TYPES = [...RESOURCE_TYPES, "PERMISSION_SET", "GROUP"] as const;
export type TTargetType = (typeof TARGET_TYPES)[number];

export function isTargetType(value: string): value is TTargetType {
  return (TARGET_TYPES as readonly string[]).includes(value);
}

export function isResourceType(value: string): value is TResourceType {
  return (RESOURCE_TYPES as readonly string[]).includes(value);
}

/** Plural nouns for messages such as "No policy covers S3 buckets in account …". */
export const TARGET_TYPE_PLURAL_LABELS: Record<TTargetType, string> = {
  IAM_ROLE: "IAM roles",
  IAM_POLICY: "IAM policies",
  S3_BUCKET: "S3 buckets",
  EC2_INSTANCE: "EC2 instances",
  SECRET: "secrets",
  PERMISSION_SET: "permission sets",
  GROUP: "groups",
};
