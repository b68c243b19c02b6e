import { SimError } from "../errors";
import type { CallContext, SimRuntime } from "../runtime";
import type { SimSecret } from "../types";
import { epochSeconds, paginate, resourcesOf } from "../util";

type Input = Record<string, unknown>;
const invalidParam = (m: string) => new SimError("InvalidParameterException", m);

const FILTER_KEYS = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"] as const;

/** Secrets Manager filter values match by prefix; a leading "!" negates. Filters are AND'd, values OR'd. */
function matches(s: SimSecret, key: string, values: string[], region: string): boolean {
  const fields = (): string[] => {
    switch (key) {
      case "name":
        return [s.name];
      case "description":
        return [s.description ?? ""];
      case "tag-key":
        return s.tags.map((t) => t.Key);
      case "tag-value":
        return s.tags.map((t) => t.Value);
      case "primary-region":
        return [region];
      case "owning-service":
        return [];
      default:
        return [s.name, s.description ?? "", ...s.tags.map((t) => t.Key), ...s.tags.map((t) => t.Value)];
    }
  };
  const f = fields();
  const positives = values.filter((v) => !v.startsWith("!"));
  const negatives = values.filter((v) => v.startsWith("!")).map((v) => v.slice(1));
  if (negatives.some((n) => f.some((x) => x.startsWith(n)))) return false;
  return positives.length === 0 || positives.some((p) => f.some((x) => x.startsWith(p)));
}

export function secretsManager(rt: SimRuntime, ctx: CallContext, input: Input): unknown {
  if (ctx.operation !== "ListSecrets") {
    throw new SimError("UnknownOperationException", `Operation ${ctx.operation} is not supported by the simulator.`);
  }
  const raw = input.MaxResults;
  let max = 100;
  if (raw !== undefined && raw !== null) {
    max = Number(raw);
    if (!Number.isInteger(max) || max < 1 || max > 100) throw new SimError("ValidationException", `1 validation error detected: Value '${String(raw)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`);
  }
  const filters = (input.Filters ?? []) as Input[];
  if (!Array.isArray(filters) || filters.length > 10) throw invalidParam("You can specify up to 10 filters.");
  const parsed = filters.map((f) => {
    const key = String(f.Key ?? "");
    if (!(FILTER_KEYS as readonly string[]).includes(key)) throw new SimError("ValidationException", `1 validation error detected: Value '${key}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${FILTER_KEYS.join(", ")}]`);
    const values = (f.Values ?? []) as string[];
    if (!Array.isArray(values) || values.length < 1 || values.length > 10) throw invalidParam("Each filter needs 1 to 10 values.");
    return { key, values };
  });
  const includeDeleted = input.IncludePlannedDeletion === true;
  let list = resourcesOf(rt.state, ctx.caller.accountId).secrets.filter(
    (s) => s.region === ctx.region && (includeDeleted || s.deletedAt === undefined) && parsed.every((f) => matches(s, f.key, f.values, ctx.region)),
  );
  if (input.SortOrder === "desc") list = [...list].reverse();
  const filterKey = JSON.stringify(parsed);
  const p = paginate(list, `ListSecrets:${ctx.caller.accountId}:${ctx.region}:${filterKey}`, input.NextToken as string | undefined, max, () =>
    invalidParam("The NextToken value is invalid."),
  );
  return {
    SecretList: p.items.map((s) => ({
      ARN: s.arn,
      Name: s.name,
      Description: s.description,
      Tags: s.tags,
      CreatedDate: epochSeconds(s.createdAt),
      LastChangedDate: epochSeconds(s.lastChangedAt),
      DeletedDate: s.deletedAt === undefined ? undefined : epochSeconds(s.deletedAt),
      PrimaryRegion: s.region,
    })),
    NextToken: p.nextToken,
  };
}
