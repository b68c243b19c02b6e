import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * One keep-alive connection pool for the many short-lived clients of a discovery run (one set per
 * account and region): without it each client opens its own sockets, and connection set-up costs
 * more CPU than the calls. Clients built on it must not be destroy()ed (that would close the pool).
 */
const holder = globalThis as unknown as { __jitAwsHandler?: NodeHttpHandler };

export function sharedAwsRequestHandler(): NodeHttpHandler {
  holder.__jitAwsHandler ??= new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
    connectionTimeout: 5_000,
    requestTimeout: 60_000,
  });
  return holder.__jitAwsHandler;
}
