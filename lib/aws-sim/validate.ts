import { SimError } from "./errors";

/** Builds validators that answer in a service's own error code and AWS's "1 validation error detected" wording. */
export function validators(code: string, status = 400) {
  const fail = (field: string, value: unknown, constraint: string) =>
    new SimError(
      code,
      `1 validation error detected: Value ${value === undefined || value === null ? "null" : `'${typeof value === "string" ? value : JSON.stringify(value)}'`} at '${field}' failed to satisfy constraint: ${constraint}`,
      status,
    );
  const required = (input: Record<string, unknown>, key: string, field = camel(key)): string => {
    const v = input[key];
    if (v === undefined || v === null) throw fail(field, v, "Member must not be null");
    if (typeof v !== "string") throw fail(field, v, "Member must be a string");
    return v;
  };
  const pattern = (value: string, re: RegExp, field: string, reText = re.source): string => {
    if (!re.test(value)) throw fail(field, value, `Member must satisfy regular expression pattern: ${reText}`);
    return value;
  };
  const length = (value: string, min: number, max: number, field: string): string => {
    if (value.length < min) throw fail(field, value, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) throw fail(field, value, `Member must have length less than or equal to ${max}`);
    return value;
  };
  const oneOf = <T extends string>(value: string, allowed: readonly T[], field: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw fail(field, value, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
    return value as T;
  };
  const int = (input: Record<string, unknown>, key: string, min: number, max: number, dflt: number, field = camel(key)): number => {
    const v = input[key];
    if (v === undefined || v === null || v === "") return dflt;
    const n = Number(v);
    if (!Number.isInteger(n)) throw fail(field, v, "Member must be an integer");
    if (n < min) throw fail(field, v, `Member must have value greater than or equal to ${min}`);
    if (n > max) throw fail(field, v, `Member must have value less than or equal to ${max}`);
    return n;
  };
  return { fail, required, pattern, length, oneOf, int };
}

export const camel = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

export const ACCOUNT_ID_RE = /^\d{12}$/;
export const TAG_KEY_RE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
