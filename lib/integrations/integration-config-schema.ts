import { z } from "zod";
import { partitionOfArn, partitionOfRegion } from "../aws/partition.ts";

/**
 * The integration as AWS admins write it in commercial portals (snake_case JSON), shared by the
 * form, the JSON editor and the server. Pure: safe in the browser. Error messages name the fix.
 */
export const RESOURCE_TYPES = ["IAM_ROLE", "IAM_POLICY", "S3_BUCKET", "EC2_INSTANCE", "SECRET"] as const;
export type TResourceTypeName = (typeof RESOURCE_TYPES)[number];

export const RESOURCE_TYPE_LABELS: Record<TResourceTypeName, string> = {
  IAM_ROLE: "IAM roles",
  IAM_POLICY: "Customer-managed IAM policies",
  S3_BUCKET: "S3 buckets",
  EC2_INSTANCE: "EC2 instances",
  SECRET: "Secrets Manager secrets",
};

/** Stands for "the stored secret": the browser never receives the real one. */
export const SECRET_SET = "set";

const ACCOUNT_ID_RE = /^\d{12}$/;
// Every partition: commercial (aws), China (aws-cn, cn-… regions) and GovCloud (aws-us-gov, us-gov-… regions).
// An integration lives in the partition of root_account.region; every ARN and region in it must agree.
const REGION_RE = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
const ROLE_ARN_RE = /^arn:aws(-cn|-us-gov)?:iam::(\d{12}|\*):role\/[\w+=,.@/-]{1,512}$/;
const INSTANCE_ARN_RE = /^arn:aws(-cn|-us-gov)?:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;

/** An object that refuses keys it does not know, naming them: a misspelled key must not be dropped silently. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}: check its spelling` : undefined),
  });
}

const ZRegion = z.string().trim().regex(REGION_RE, "must be an AWS region such as us-east-1");
const ZExternalId = z
  .string()
  .trim()
  .min(2, "must be 2 to 1224 characters")
  .max(1224, "must be 2 to 1224 characters")
  .regex(/^[\w+=,.@:/-]+$/, "may contain letters, digits and + = , . @ : / - _ only");

const ZResourceType = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toUpperCase().replace(/[\s-]+/g, "_") : v),
  z.enum(RESOURCE_TYPES, { message: `must be one of ${RESOURCE_TYPES.join(", ")}` }),
);

export const ZTagFilter = strictObject({
  key: z.string().trim().min(1, "must not be empty").max(128, "must be at most 128 characters"),
  /** Empty or "*": any value, the key must be present. */
  value: z.string().max(256, "must be at most 256 characters").default(""),
});
export type TTagFilter = z.infer<typeof ZTagFilter>;

const subAccountFields = {
  account_id: z.string().trim().refine((v) => v === "*" || ACCOUNT_ID_RE.test(v), "must be a 12-digit AWS account id or *"),
  access_role_arn: z
    .string()
    .trim()
    .regex(ROLE_ARN_RE, "must be an IAM role ARN such as arn:aws:iam::*:role/jit-portal-access (* stands for each account id)"),
  external_id: ZExternalId.optional(),
  region: ZRegion.optional(),
  regions: z.array(ZRegion).optional(),
  tags: z.array(ZTagFilter).optional(),
  resource_types: z.array(ZResourceType).optional(),
  enabled: z.boolean().optional(),
};

function checkEntryAccount(v: { account_id: string; access_role_arn: string }, ctx: z.RefinementCtx) {
  const arnAccount = v.access_role_arn.split(":")[4];
  if (v.account_id !== "*" && arnAccount !== "*" && arnAccount !== v.account_id) {
    ctx.addIssue({ code: "custom", path: ["access_role_arn"], message: `must be a role in account ${v.account_id} (or use * for the account id)` });
  }
}

/** A stored entry (read back leniently: what was saved stays readable as the rules tighten). */
export const ZSubAccountEntry = z.object(subAccountFields).superRefine(checkEntryAccount);

/** An entry as an admin submits it: unknown keys (a misspelled external_id) are refused, not dropped. */
const ZSubAccountEntryInput = strictObject(subAccountFields).superRefine((v, ctx) => {
  checkEntryAccount(v, ctx);
  // One fixed role for every account would file that account's resources under all of them.
  if (v.account_id === "*" && ROLE_ARN_RE.test(v.access_role_arn) && v.access_role_arn.split(":")[4] !== "*") {
    ctx.addIssue({ code: "custom", path: ["access_role_arn"], message: "must use * for the account id (arn:aws:iam::*:role/…) so each account's own role is assumed" });
  }
});
export type TSubAccountEntry = z.infer<typeof ZSubAccountEntry>;

export const ZRootAccount = strictObject({
  access_key_id: z
    .string()
    .trim()
    .refine((v) => !/^ASIA/.test(v), "is a temporary key (ASIA…), which needs a session token and expires: use a long-term access key (AKIA…) or access_role_arn")
    .refine((v) => /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(v), "must be an access key id (AKIA… 20 characters)")
    .optional(),
  /** Omitted, empty or "set": keep the stored secret. */
  secret_access_key: z.string().trim().max(128, "is too long").optional(),
  account_id: z.string().trim().regex(ACCOUNT_ID_RE, "must be a 12-digit AWS account id").optional(),
  access_role_arn: z
    .string()
    .trim()
    .regex(ROLE_ARN_RE, "must be an IAM role ARN such as arn:aws:iam::111111111111:role/jit-portal-management")
    .refine((v) => !v.includes(":*:"), "must name one account, not *")
    .optional(),
  external_id: ZExternalId.optional(),
  region: ZRegion.default("us-east-1"),
}).superRefine((v, ctx) => {
  if (v.access_role_arn !== undefined) {
    if (v.access_key_id) ctx.addIssue({ code: "custom", path: ["access_key_id"], message: "give either access keys or access_role_arn, not both" });
    if (v.secret_access_key && v.secret_access_key !== SECRET_SET) ctx.addIssue({ code: "custom", path: ["secret_access_key"], message: "give either access keys or access_role_arn, not both" });
    const arnAccount = v.access_role_arn.split(":")[4];
    if (v.account_id && arnAccount !== v.account_id) ctx.addIssue({ code: "custom", path: ["account_id"], message: `does not match the account in access_role_arn (${arnAccount})` });
    return;
  }
  if (!v.access_key_id) ctx.addIssue({ code: "custom", path: ["access_key_id"], message: "is required (or give access_role_arn to assume a role with the server's own credentials)" });
  if (v.external_id) ctx.addIssue({ code: "custom", path: ["external_id"], message: "is used only with access_role_arn (access keys are not assumed)" });
  const secret = v.secret_access_key;
  if (secret && secret !== SECRET_SET && secret.length < 16) ctx.addIssue({ code: "custom", path: ["secret_access_key"], message: "looks too short for a secret access key" });
});

export const ZIntegrationOptions = strictObject({
  sso_instance_arn: z.string().trim().regex(INSTANCE_ARN_RE, "must be an Identity Center instance ARN (arn:aws:sso:::instance/ssoins-…)").optional(),
  sso_region: ZRegion.optional(),
  identity_store_id: z
    .string()
    .trim()
    .regex(/^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, "must be an identity store id (d-…)")
    .optional(),
  resource_types: z.array(ZResourceType).default([]),
  tags: z.array(ZTagFilter).default([]),
  temp_permission_set_prefix: z
    .string()
    .trim()
    .regex(/^[\w+=,.@-]{1,16}$/, "must be 1 to 16 characters of letters, digits and + = , . @ - _")
    .default("jit-"),
  sync_interval_minutes: z.coerce.number().int("must be a whole number").min(5, "must be at least 5").max(10080, "must be at most 10080 (a week)").default(60),
});

// Strict like its parts: a misspelled "sub_account" must be refused, not dropped (an empty list would
// narrow discovery to nothing and prune the whole catalog).
export const ZIntegrationConfig = strictObject({
  name: z.string().trim().min(1, "is required").max(64, "must be at most 64 characters"),
  enabled: z.boolean().default(true),
  root_account: ZRootAccount,
  sub_accounts: z.array(ZSubAccountEntryInput).default([]),
  options: ZIntegrationOptions.default({ resource_types: [], tags: [], temp_permission_set_prefix: "jit-", sync_interval_minutes: 60 }),
}).superRefine((v, ctx) => {
  checkPartition(v, ctx);
  const seen = new Map<string, number>();
  v.sub_accounts.forEach((s, i) => {
    const first = seen.get(s.account_id);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: ["sub_accounts", i, "account_id"], message: `duplicates sub_accounts[${first}]` });
    else seen.set(s.account_id, i);
  });
});

/**
 * One partition per integration: that of root_account.region. A GovCloud role ARN in a commercial integration
 * (or a China region beside a commercial one) would only fail at run time, with an error about signatures.
 */
function checkPartition(v: { root_account: { region: string; access_role_arn?: string }; sub_accounts: readonly { access_role_arn: string; region?: string; regions?: string[] }[]; options: { sso_instance_arn?: string; sso_region?: string } }, ctx: z.RefinementCtx) {
  const partition = partitionOfRegion(v.root_account.region);
  const wrong = (path: PropertyKey[], what: string) =>
    ctx.addIssue({ code: "custom", path, message: `${what} must be in the ${partition} partition, as root_account.region (${v.root_account.region}) is` });
  // Only well-formed values: a malformed one already has its own message.
  const arnOk = (arn: string | undefined) => arn === undefined || partitionOfArn(arn) === null || partitionOfArn(arn) === partition;
  const regionOk = (region: string | undefined) => region === undefined || !REGION_RE.test(region) || partitionOfRegion(region) === partition;
  if (!arnOk(v.root_account.access_role_arn)) wrong(["root_account", "access_role_arn"], "the role ARN");
  if (!arnOk(v.options.sso_instance_arn)) wrong(["options", "sso_instance_arn"], "the instance ARN");
  if (!regionOk(v.options.sso_region)) wrong(["options", "sso_region"], "the region");
  v.sub_accounts.forEach((e, i) => {
    if (!arnOk(e.access_role_arn)) wrong(["sub_accounts", i, "access_role_arn"], "the role ARN");
    if (!regionOk(e.region)) wrong(["sub_accounts", i, "region"], "the region");
    (e.regions ?? []).forEach((r, j) => {
      if (!regionOk(r)) wrong(["sub_accounts", i, "regions", j], "the region");
    });
  });
}

export type TIntegrationConfig = z.infer<typeof ZIntegrationConfig>;
export type TIntegrationConfigInput = z.input<typeof ZIntegrationConfig>;

/** `sub_accounts[0].access_role_arn` from a zod path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

/** One line per problem: "sub_accounts[0].access_role_arn: must be an IAM role ARN…". */
export function formatConfigIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${formatIssuePath(i.path) || "(config)"}: ${i.message}`);
}

/** Parses JSON text and the config in one step, so the JSON editor gets the same messages as the form. */
export function parseIntegrationJson(text: string): { ok: true; config: TIntegrationConfig } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`JSON: ${e instanceof Error ? e.message : "not valid JSON"}`] };
  }
  const parsed = ZIntegrationConfig.safeParse(raw);
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, errors: formatConfigIssues(parsed.error.issues) };
}
