import { SimError } from "../errors";
import type { CallContext, SimRuntime } from "../runtime";
import type { SimBucket } from "../types";
import { el, paginate, resourcesOf } from "../util";

export const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

export interface S3Request {
  method: string;
  bucket?: string;
  query: URLSearchParams;
}

/** Maps a REST-XML request line to the operation name used for logging, throttling and faults. */
export function s3Operation(r: S3Request): string {
  if (r.method !== "GET") return `${r.method}Unsupported`;
  if (!r.bucket) return "ListBuckets";
  if (r.query.has("tagging")) return "GetBucketTagging";
  if (r.query.has("location")) return "GetBucketLocation";
  return "ListObjects";
}

function findBucket(rt: SimRuntime, ctx: CallContext, name: string): SimBucket {
  const own = resourcesOf(rt.state, ctx.caller.accountId).buckets.get(name);
  if (own) return own;
  for (const [accountId, res] of rt.state.resources) {
    // bucket names are global: someone else's bucket is AccessDenied, not NoSuchBucket
    if (accountId !== ctx.caller.accountId && res.buckets.has(name)) throw new SimError("AccessDenied", "Access Denied", 403);
  }
  throw new SimError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: name });
}

export function s3(rt: SimRuntime, ctx: CallContext, r: S3Request): string {
  switch (ctx.operation) {
    case "ListBuckets": {
      const prefix = r.query.get("prefix") ?? "";
      const region = r.query.get("bucket-region");
      const rawMax = r.query.get("max-buckets");
      let max = 10000;
      if (rawMax !== null) {
        max = Number(rawMax);
        if (!Number.isInteger(max) || max < 1 || max > 10000) throw new SimError("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.", 400);
      }
      const buckets = [...resourcesOf(rt.state, ctx.caller.accountId).buckets.values()]
        .filter((b) => b.name.startsWith(prefix) && (!region || b.region === region))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const p = paginate(buckets, `ListBuckets:${ctx.caller.accountId}:${prefix}:${region ?? ""}`, r.query.get("continuation-token") ?? undefined, max, () =>
        new SimError("InvalidArgument", "The continuation token provided is incorrect", 400),
      );
      return (
        `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner>${el("ID", ctx.caller.accountId.padStart(64, "0"))}</Owner><Buckets>` +
        p.items.map((b) => `<Bucket>${el("Name", b.name)}${el("CreationDate", new Date(b.createdAt).toISOString())}${el("BucketRegion", b.region)}</Bucket>`).join("") +
        `</Buckets>${el("ContinuationToken", p.nextToken)}${prefix ? el("Prefix", prefix) : ""}</ListAllMyBucketsResult>`
      );
    }
    case "GetBucketTagging": {
      const b = findBucket(rt, ctx, r.bucket!);
      if (!b.tags || b.tags.length === 0) throw new SimError("NoSuchTagSet", "The TagSet does not exist", 404, { BucketName: b.name });
      return `<Tagging xmlns="${S3_NS}"><TagSet>${b.tags.map((t) => `<Tag>${el("Key", t.Key)}${el("Value", t.Value)}</Tag>`).join("")}</TagSet></Tagging>`;
    }
    case "GetBucketLocation": {
      const b = findBucket(rt, ctx, r.bucket!);
      // us-east-1 is reported as an empty LocationConstraint
      return `<LocationConstraint xmlns="${S3_NS}">${b.region === "us-east-1" ? "" : b.region}</LocationConstraint>`;
    }
    default:
      throw new SimError("NotImplemented", "A header you provided implies functionality that is not implemented", 501);
  }
}

