import "server-only";
import type { NextAuthOptions } from "next-auth";
import { buildAuthOptions } from "./auth-options.ts";

let options: NextAuthOptions | undefined;

/** Built once per process: providers depend only on the environment. */
export function getAuthOptions(): NextAuthOptions {
  return (options ??= buildAuthOptions());
}
