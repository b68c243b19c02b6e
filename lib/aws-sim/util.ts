import { createHash, randomUUID } from "node:crypto";
import { SimError } from "./errors";
import type { SimAccountResources, SimState, Tag } from "./types";

/** Deterministic hex derived from a string, so seeded ids are stable across runs. */
export function hexOf(input: string, length: number): string {
  let out = "";
  let counter = 0;
  while (out.length < length) {
    out += createHash("sha1").update(`${counter++}:${input}`).digest("hex");
  }
  return out.slice(0, length);
}

export function uuidOf(input: string): string {
  const h = hexOf(input, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const newUuid = (): string => randomUUID();

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export function upperIdOf(input: string, length: number): string {
  const h = hexOf(input, length * 2);
  let out = "";
  for (let i = 0; i < length; i++) out += ALNUM[parseInt(h.slice(i * 2, i * 2 + 2), 16) % 32];
  return out;
}

export function nextSeq(state: SimState): number {
  state.seq += 1;
  return state.seq;
}

export function emptyResources(): SimAccountResources {
  return { roles: new Map(), policies: new Map(), buckets: new Map(), instances: [], secrets: [] };
}

export function resourcesOf(state: SimState, accountId: string): SimAccountResources {
  let r = state.resources.get(accountId);
  if (!r) {
    r = emptyResources();
    state.resources.set(accountId, r);
  }
  return r;
}

export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
export const epochSeconds = (ms: number): number => ms / 1000;

// ---- pagination -----------------------------------------------------------

interface TokenBody {
  /** operation the token belongs to; a token from another list is rejected like AWS does */
  k: string;
  o: number;
  /** organizations: this token was handed out on a deliberately empty page */
  e?: 1;
}

export function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

export function decodeToken(token: string | undefined, key: string, err: () => SimError): TokenBody | undefined {
  if (token === undefined || token === null || token === "") return undefined;
  try {
    const body = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as TokenBody;
    if (body.k !== key || typeof body.o !== "number" || body.o < 0) throw err();
    return body;
  } catch (e) {
    if (e instanceof SimError) throw e;
    throw err();
  }
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(items: T[], key: string, token: string | undefined, max: number, err: () => SimError): Page<T> {
  const start = decodeToken(token, key, err)?.o ?? 0;
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? encodeToken({ k: key, o: start + max }) : undefined;
  return { items: page, nextToken: next };
}

export function checkMax(value: unknown, min: number, max: number, name: string, mk: (m: string) => SimError, dflt: number): number {
  if (value === undefined || value === null || value === "") return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw mk(`1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: Member must have value ${n < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`);
  }
  return n;
}

// ---- XML ------------------------------------------------------------------

export function esc(value: string | number | boolean): string {
  const s = String(value);
  if (!/[&<>"']/.test(s)) return s;
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** Element with escaped text, omitted when the value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${esc(value)}</${name}>`;
}

export function tagsEqual(a: Tag[], key: string): string | undefined {
  return a.find((t) => t.Key === key)?.Value;
}

export function randomAlnum(length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
