import { AccessError } from "./access-error";
import { TARGET_TYPE_PLURAL_LABELS, isTargetType, type TTargetType } from "./target-types";

/**
 * The access levels a requester can pick for each kind of target, as the UI shows them.
 * What each level grants in AWS is built by `buildGrantPermissions` (build-grant-permissions.ts);
 * the descriptions here must stay true to it (the tests pin both).
 */

export type TAccessLevel = {
  id: string;
  label: string;
  description: string;
};

const LEVELS = {
  S3_BUCKET: [
    {
      id: "read",
      label: "Read",
      description: "List the bucket and download objects, their versions and tags.",
    },
    {
      id: "read-write",
      label: "Read and write",
      description: "Read, plus upload and delete objects (including multipart uploads).",
    },
  ],
  EC2_INSTANCE: [
    {
      id: "read",
      label: "Inspect",
      description: "Describe the instance and read its console output and screenshot.",
    },
    {
      id: "connect",
      label: "Connect (Session Manager)",
      description: "Open shell, SSH and interactive-command sessions to the instance through Session Manager.",
    },
    {
      id: "operate",
      label: "Start / stop / reboot",
      description: "Start, stop and reboot the instance.",
    },
  ],
  SECRET: [
    {
      id: "read-value",
      label: "Read value",
      description: "Read the secret's value and metadata.",
    },
  ],
  IAM_ROLE: [
    {
      id: "assume",
      label: "Assume role",
      description: "Assume the role (sts:AssumeRole) and read its definition.",
    },
  ],
  IAM_POLICY: [
    {
      id: "attach",
      label: "Use policy",
      description: "Receive exactly the permissions of this customer-managed policy.",
    },
  ],
  PERMISSION_SET: [
    {
      id: "assign",
      label: "Assign",
      description: "Be assigned this permission set in the account.",
    },
  ],
  GROUP: [
    {
      id: "member",
      label: "Membership",
      description: "Become a member of this group (and receive everything the group is assigned).",
    },
  ],
} as const satisfies Record<TTargetType, readonly TAccessLevel[]>;

export type TAccessLevelId<T extends TTargetType = TTargetType> = (typeof LEVELS)[T][number]["id"];

/**
 * The level preselected in the request form: the least privileged one, so that a requester who does
 * not choose gets the smallest grant (EC2: inspect, not a shell).
 */
const DEFAULT_LEVELS: { [T in TTargetType]: TAccessLevelId<T> } = {
  S3_BUCKET: "read",
  EC2_INSTANCE: "read",
  SECRET: "read-value",
  IAM_ROLE: "assume",
  IAM_POLICY: "attach",
  PERMISSION_SET: "assign",
  GROUP: "member",
};

/** The levels of a target type, least privileged first. */
export function listAccessLevels(targetType: TTargetType): readonly TAccessLevel[] {
  return LEVELS[targetType];
}

export function defaultAccessLevel(targetType: TTargetType): string {
  return DEFAULT_LEVELS[targetType];
}

export function isAccessLevel(targetType: TTargetType, level: string): boolean {
  return LEVELS[targetType].some((candidate) => candidate.id === level);
}

/** Label and description of one level; throws `UNKNOWN_ACCESS_LEVEL` for a level the type does not have. */
export function describeAccessLevel(targetType: TTargetType, level: string): TAccessLevel {
  const found = LEVELS[targetType].find((candidate) => candidate.id === level);
  if (!found) {
    throw new AccessError("UNKNOWN_ACCESS_LEVEL", {
      message: `Unknown access level "${level}" for ${targetType}`,
      userMessage: `"${level}" is not an access level for ${TARGET_TYPE_PLURAL_LABELS[targetType]}.`,
    });
  }
  return found;
}

/**
 * The label the UI shows for a stored level (e.g. "read-value" → "Read value"); falls back to the raw
 * code for a type or level it does not know (old rows, a level since removed), never throws.
 */
export function accessLevelLabel(targetType: string | null | undefined, level: string): string {
  // targetType: the resource type (S3_BUCKET, …) for a resource, else PERMISSION_SET / GROUP.
  if (!targetType || !isTargetType(targetType) || !isAccessLevel(targetType, level)) return level;
  return describeAccessLevel(targetType, level).label;
}
