import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * A small reading of prisma/schema.prisma: enough to compare the schema with the database a
 * migration produced (tables, columns, nullability, indexes, foreign keys, enums).
 * Tests only; the runtime uses the generated client.
 */
export type TFieldOutline = {
  name: string;
  type: string;
  list: boolean;
  optional: boolean;
  attributes: string;
};
export type TModelOutline = { name: string; fields: TFieldOutline[]; blockAttributes: string[] };
export type TSchemaOutline = { models: TModelOutline[]; enums: Record<string, string[]> };

export function readSchemaOutline(file = path.resolve(import.meta.dirname, "../../prisma/schema.prisma")): TSchemaOutline {
  const text = readFileSync(file, "utf8");
  const models: TModelOutline[] = [];
  const enums: Record<string, string[]> = {};
  const blocks = text.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm);
  for (const [, kind, name, body] of blocks) {
    const lines = body!
      .split("\n")
      .map((l) => l.replace(/\/\/.*$/, "").trim())
      .filter(Boolean);
    if (kind === "enum") {
      enums[name!] = lines;
      continue;
    }
    const fields: TFieldOutline[] = [];
    const blockAttributes: string[] = [];
    for (const line of lines) {
      if (line.startsWith("@@")) {
        blockAttributes.push(line);
        continue;
      }
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!m) continue;
      fields.push({ name: m[1]!, type: m[2]!, list: Boolean(m[3]), optional: Boolean(m[4]), attributes: m[5] ?? "" });
    }
    models.push({ name: name!, fields, blockAttributes });
  }
  return { models, enums };
}

export const SCALAR_TYPES = new Set(["String", "Int", "BigInt", "Boolean", "DateTime", "Json", "Float", "Decimal", "Bytes"]);

export function isColumn(field: TFieldOutline, schema: TSchemaOutline): boolean {
  return SCALAR_TYPES.has(field.type) || field.type in schema.enums;
}

/** The column lists an attribute's `[a, b]` names. */
export function listArg(attr: string, key?: string): string[] {
  const re = key ? new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`) : /\(\s*\[([^\]]*)\]/;
  const m = re.exec(attr);
  return m ? m[1]!.split(",").map((s) => s.trim()).filter(Boolean) : [];
}
