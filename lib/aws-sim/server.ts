import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { SimError } from "./errors";
import { Throttler, faultFor } from "./faults";
import { partitionOfRegion } from "./partition";
import { RequestLog } from "./request-log";
import type { CallContext, ServiceName, SimConfig, SimRuntime } from "./runtime";
import { ec2 } from "./services/ec2";
import { iam } from "./services/iam";
import { identityStore } from "./services/identitystore";
import { organizations } from "./services/organizations";
import { s3, s3Operation, type S3Request } from "./services/s3";
import { secretsManager } from "./services/secrets-manager";
import { settleAsyncOps, ssoAdmin } from "./services/sso-admin";
import { sts } from "./services/sts";
import type { SimCredential, SimState } from "./types";
import { esc } from "./util";

const JSON_TARGETS: Record<string, ServiceName> = {
  SWBExternalService: "sso-admin",
  AWSIdentityStore: "identitystore",
  AWSOrganizationsV20161128: "organizations",
  secretsmanager: "secretsmanager",
};

const SCOPE_SERVICES: Record<string, ServiceName> = {
  sts: "sts",
  iam: "iam",
  s3: "s3",
  ec2: "ec2",
  sso: "sso-admin",
  identitystore: "identitystore",
  organizations: "organizations",
  secretsmanager: "secretsmanager",
};

const QUERY_NS: Record<string, string> = {
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
  iam: "https://iam.amazonaws.com/doc/2010-05-08/",
  ec2: "http://ec2.amazonaws.com/doc/2016-11-15/",
};

const VERSION_SERVICES: Record<string, ServiceName> = { "2011-06-15": "sts", "2010-05-08": "iam", "2016-11-15": "ec2" };

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

/** Codes each service uses for throttling and for its own internal failure. */
const THROTTLE: Record<ServiceName, { code: string; status: number; message: string }> = {
  "sso-admin": { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
  identitystore: { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
  organizations: { code: "TooManyRequestsException", status: 400, message: "AWS Organizations can't complete your request because another request is already in progress. Try again later." },
  sts: { code: "Throttling", status: 400, message: "Rate exceeded" },
  iam: { code: "Throttling", status: 400, message: "Rate exceeded" },
  s3: { code: "SlowDown", status: 503, message: "Please reduce your request rate." },
  ec2: { code: "RequestLimitExceeded", status: 503, message: "Request limit exceeded." },
  secretsmanager: { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
};
const INTERNAL: Record<ServiceName, string> = {
  "sso-admin": "InternalServerException",
  identitystore: "InternalServerException",
  organizations: "ServiceException",
  sts: "InternalFailure",
  iam: "ServiceFailure",
  s3: "InternalError",
  ec2: "InternalError",
  secretsmanager: "InternalServiceError",
};

/** An injected IAM denial, in each protocol's own shape (a policy missing one action). */
function accessDenied(service: ServiceName, operation: string, arn: string): SimError {
  const action = `${service === "sso-admin" ? "sso" : service}:${operation}`;
  const message = `User: ${arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  if (service === "ec2") return new SimError("UnauthorizedOperation", `You are not authorized to perform this operation. ${message}`, 403);
  if (service === "iam" || service === "sts" || service === "s3") return new SimError("AccessDenied", message, 403);
  return new SimError("AccessDeniedException", message, 400);
}

/**
 * Organization-wide APIs answer the management account, and a member account registered as a delegated
 * administrator: Identity Center's (sso.amazonaws.com) for sso-admin and identitystore, any service's for
 * reading Organizations. What a delegated administrator may not change is checked in sso-admin.
 */
function mayAdministerOrganization(st: SimState, ctx: CallContext): boolean {
  const account = ctx.caller.accountId;
  if (account === st.managementAccountId) return true;
  if (ctx.service === "organizations") {
    return /^(Describe|List)/.test(ctx.operation) && [...st.delegatedAdministrators].some((key) => key.endsWith(`|${account}`));
  }
  return st.delegatedAdministrators.has(`sso.amazonaws.com|${account}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Parsed {
  service: ServiceName;
  operation: string;
  json?: Record<string, unknown>;
  query?: URLSearchParams;
  s3?: S3Request;
  region: string;
  accessKeyId?: string;
  authError?: "missing" | "malformed";
}

export class SimServer implements SimRuntime {
  state: SimState;
  readonly throttler: Throttler;
  readonly log = new RequestLog();

  constructor(
    state: SimState,
    readonly config: SimConfig,
  ) {
    this.state = state;
    this.throttler = new Throttler(config);
  }

  /** AWS meters IAM, S3, EC2 and Secrets Manager per account (EC2 and Secrets Manager also per region). */
  private throttleScope(parsed: Parsed, caller: SimCredential): string {
    if (!this.config.throttling.perAccount) return "";
    if (parsed.service === "iam" || parsed.service === "s3") return caller.accountId;
    if (parsed.service === "ec2" || parsed.service === "secretsmanager") return `${caller.accountId}|${parsed.region}`;
    return "";
  }

  asyncFailure(service: ServiceName, operation: string): string | undefined {
    const f = faultFor(this.config, service, operation);
    if (f.asyncFailureRate && Math.random() < f.asyncFailureRate) {
      return f.asyncFailureReason ?? "An unexpected internal service exception was encountered";
    }
    return undefined;
  }

  /** Parses routing and identity without trusting anything; errors are rendered in the service's protocol. */
  private parse(req: IncomingMessage, body: string, url: URL): Parsed {
    const auth = req.headers.authorization;
    const m = auth ? AUTH_RE.exec(auth) : null;
    const scopeService = m?.[4];
    const region = m?.[3] ?? "us-east-1";
    const authError = !auth ? ("missing" as const) : !m ? ("malformed" as const) : undefined;
    const target = req.headers["x-amz-target"];
    if (typeof target === "string") {
      const dot = target.indexOf(".");
      const service = JSON_TARGETS[target.slice(0, dot)];
      if (service) {
        let json: Record<string, unknown> | undefined = {};
        if (body.length > 0) {
          try {
            const parsedBody: unknown = JSON.parse(body);
            json = parsedBody && typeof parsedBody === "object" && !Array.isArray(parsedBody) ? (parsedBody as Record<string, unknown>) : undefined;
          } catch {
            json = undefined;
          }
        }
        return { service, operation: target.slice(dot + 1), json, region, accessKeyId: m?.[1], authError };
      }
    }
    const scoped = scopeService ? SCOPE_SERVICES[scopeService] : undefined;
    const contentType = req.headers["content-type"] ?? "";
    const isForm = contentType.startsWith("application/x-www-form-urlencoded");
    const form = isForm ? new URLSearchParams(body) : undefined;
    const byVersion = form ? VERSION_SERVICES[form.get("Version") ?? ""] : undefined;
    const service: ServiceName = scoped && scoped !== "sso-admin" && scoped !== "identitystore" && scoped !== "organizations" && scoped !== "secretsmanager" ? scoped : (byVersion ?? "s3");
    if (service === "s3") {
      const segments = url.pathname.split("/").filter(Boolean);
      const r: S3Request = { method: req.method ?? "GET", bucket: segments[0] ? decodeURIComponent(segments[0]) : undefined, query: url.searchParams };
      return { service, operation: s3Operation(r), s3: r, region, accessKeyId: m?.[1], authError };
    }
    const q = form ?? url.searchParams;
    return { service, operation: q.get("Action") ?? "", query: q, region, accessKeyId: m?.[1], authError };
  }

  private authenticate(p: Parsed, req: IncomingMessage, now: number): SimCredential {
    const svc = p.service;
    const jsonSvc = svc === "sso-admin" || svc === "identitystore" || svc === "organizations" || svc === "secretsmanager";
    if (p.authError) {
      if (svc === "s3") throw new SimError("AccessDenied", "Access Denied", 403);
      if (svc === "ec2") throw new SimError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
      if (jsonSvc) {
        throw p.authError === "missing"
          ? new SimError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
          : new SimError("IncompleteSignatureException", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.", 403);
      }
      throw p.authError === "missing"
        ? new SimError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        : new SimError("IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.", 403);
    }
    const cred = p.accessKeyId ? this.state.credentials.get(p.accessKeyId) : undefined;
    const token = req.headers["x-amz-security-token"];
    const invalid = () => {
      if (svc === "s3") return new SimError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
      if (svc === "ec2") return new SimError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
      if (jsonSvc) return new SimError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
      return new SimError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    };
    if (!cred) throw invalid();
    // keys live in one partition: a request signed for another partition's region is unknown there
    if (partitionOfRegion(p.region) !== this.state.partition) throw invalid();
    if (cred.sessionToken !== undefined && token !== cred.sessionToken) throw invalid();
    if (cred.expiresAt !== undefined && cred.expiresAt <= now) {
      if (svc === "ec2") throw new SimError("RequestExpired", "Request has expired.", 400);
      throw new SimError(jsonSvc ? "ExpiredTokenException" : "ExpiredToken", "The security token included in the request is expired", jsonSvc ? 400 : 403);
    }
    return cred;
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: string, url: URL): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    let parsed: Parsed | undefined;
    let caller: SimCredential | undefined;
    try {
      parsed = this.parse(req, body, url);
      caller = this.authenticate(parsed, req, started);
      if (parsed.json === undefined && !parsed.query && !parsed.s3) {
        throw new SimError("SerializationException", "Start of structure or map found where not expected.");
      }
      const fault = faultFor(this.config, parsed.service, parsed.operation, parsed.region);
      const latency = (this.config.latencyMs ?? 0) + (fault.latencyMs ?? 0);
      if (latency > 0) await sleep(latency);
      if (!this.throttler.take(parsed.service, Date.now(), this.throttleScope(parsed, caller))) {
        const t = THROTTLE[parsed.service];
        throw new SimError(t.code, t.message, t.status, parsed.service === "identitystore" ? { RetryAfterSeconds: 1, RequestId: requestId } : {});
      }
      if (fault.errorRate && Math.random() < fault.errorRate) {
        if (fault.errorKind === "throttle") {
          const t = THROTTLE[parsed.service];
          throw new SimError(t.code, t.message, t.status);
        }
        if (fault.errorKind === "access_denied") throw accessDenied(parsed.service, parsed.operation, caller.arn);
        if (fault.errorKind === "conflict") {
          throw parsed.service === "identitystore"
            ? new SimError("ConflictException", "Concurrent modification of the resource. (injected fault)", 400, { Reason: "CONCURRENT_MODIFICATION", RequestId: requestId })
            : new SimError("ConflictException", "Another operation is in progress in this account; try again later. (injected fault)", 400);
        }
        throw new SimError(INTERNAL[parsed.service], "An internal error has occurred. (injected fault)", 500);
      }
      const now = Date.now();
      settleAsyncOps(this, now);
      const ctx: CallContext = { service: parsed.service, operation: parsed.operation, caller, region: parsed.region, requestId, now };
      if ((ctx.service === "sso-admin" || ctx.service === "identitystore" || ctx.service === "organizations") && !mayAdministerOrganization(this.state, ctx)) {
        throw ctx.service === "organizations"
          ? new SimError("AccessDeniedException", "You don't have permissions to access this resource.")
          : new SimError("AccessDeniedException", `User: ${caller.arn} is not authorized to perform: ${ctx.service === "sso-admin" ? "sso" : ctx.service}:${ctx.operation}`);
      }
      this.respondOk(res, parsed, ctx);
      this.log.add({ at: new Date(started).toISOString(), service: parsed.service, operation: parsed.operation, status: 200, accountId: caller.accountId, ms: Date.now() - started });
    } catch (err) {
      const e =
        err instanceof SimError
          ? err
          : new SimError(parsed ? INTERNAL[parsed.service] : "InternalFailure", "An internal error occurred in the simulator.", 500);
      if (!(err instanceof SimError)) console.error("[aws-sim] unexpected error", err);
      const service = parsed?.service ?? "sts";
      this.respondError(res, service, e, requestId);
      this.log.add({ at: new Date(started).toISOString(), service, operation: parsed?.operation ?? "?", status: e.status, accountId: caller?.accountId, errorCode: e.code, ms: Date.now() - started });
    }
  }

  private respondOk(res: ServerResponse, p: Parsed, ctx: CallContext): void {
    switch (p.service) {
      case "sso-admin":
      case "identitystore":
      case "organizations":
      case "secretsmanager": {
        const handler = p.service === "sso-admin" ? ssoAdmin : p.service === "identitystore" ? identityStore : p.service === "organizations" ? organizations : secretsManager;
        const out = handler(this, ctx, p.json ?? {});
        send(res, 200, "application/x-amz-json-1.1", JSON.stringify(out), { "x-amzn-requestid": ctx.requestId });
        return;
      }
      case "sts":
      case "iam": {
        const q = p.query ?? new URLSearchParams();
        const inner = p.service === "sts" ? sts(this, ctx, q) : iam(this, ctx, q);
        const op = ctx.operation;
        send(
          res,
          200,
          "text/xml",
          `<${op}Response xmlns="${QUERY_NS[p.service]}"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>${ctx.requestId}</RequestId></ResponseMetadata></${op}Response>`,
          { "x-amzn-requestid": ctx.requestId },
        );
        return;
      }
      case "ec2": {
        const inner = ec2(this, ctx, p.query ?? new URLSearchParams());
        const op = ctx.operation;
        send(res, 200, "text/xml;charset=UTF-8", `<${op}Response xmlns="${QUERY_NS.ec2}"><requestId>${ctx.requestId}</requestId>${inner}</${op}Response>`, {});
        return;
      }
      case "s3": {
        const xml = s3(this, ctx, p.s3!);
        send(res, 200, "application/xml", `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`, { "x-amz-request-id": ctx.requestId });
      }
    }
  }

  private respondError(res: ServerResponse, service: ServiceName, e: SimError, requestId: string): void {
    switch (service) {
      case "sso-admin":
      case "identitystore":
      case "organizations":
      case "secretsmanager": {
        const body: Record<string, unknown> = { __type: e.code, Message: e.message, ...e.extra };
        send(res, e.status, "application/x-amz-json-1.1", JSON.stringify(body), { "x-amzn-requestid": requestId, "x-amzn-errortype": e.code });
        return;
      }
      case "sts":
      case "iam":
        send(
          res,
          e.status,
          "text/xml",
          `<ErrorResponse xmlns="${QUERY_NS[service]}"><Error><Type>${e.sender ? "Sender" : "Receiver"}</Type><Code>${esc(e.code)}</Code><Message>${esc(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
          { "x-amzn-requestid": requestId },
        );
        return;
      case "ec2":
        send(res, e.status, "text/xml;charset=UTF-8", `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(e.code)}</Code><Message>${esc(e.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`, {});
        return;
      case "s3": {
        const extra = Object.entries(e.extra).map(([k, v]) => `<${k}>${esc(String(v))}</${k}>`).join("");
        send(
          res,
          e.status,
          "application/xml",
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(e.code)}</Code><Message>${esc(e.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString("base64")}</HostId></Error>`,
          { "x-amz-request-id": requestId },
        );
      }
    }
  }
}

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
