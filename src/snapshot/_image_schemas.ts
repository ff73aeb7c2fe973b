/**
 * Checks image-spec documents against rongqi's schemas (schemas/image-*.schema.json,
 * written from the image-spec text). The schemas are compiled on first use:
 * only image commands pay for it, once per run.
 *
 * @example
 * ```ts
 * checkDocument("manifest", doc, "manifest sha256:ab12...");
 * // throws: manifest sha256:ab12...: /layers/0/digest: must match pattern ...
 * ```
 */
import { RongqiError } from "../errors.ts";
import manifestSchema from "../../schemas/image-manifest.schema.json" with { type: "json" };
import indexSchema from "../../schemas/image-index.schema.json" with { type: "json" };
import configSchema from "../../schemas/image-config.schema.json" with { type: "json" };
import defsSchema from "../../schemas/image-defs.schema.json" with { type: "json" };
import layoutSchema from "../../schemas/image-layout.schema.json" with { type: "json" };

export type DocumentKind = "manifest" | "index" | "config" | "layout";

const SCHEMAS: Record<DocumentKind, object> = {
  manifest: manifestSchema, index: indexSchema, config: configSchema, layout: layoutSchema,
};

interface AjvError { instancePath: string; message?: string; params: Record<string, unknown> }
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
let validators: Map<DocumentKind, Validate> | undefined;

// RFC 3339 date-time, as config.md's "created" fields use it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

async function compile(): Promise<Map<DocumentKind, Validate>> {
  const mod = await import("ajv/dist/2020.js");
  const Ajv2020 = mod.default.default;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addFormat("date-time", DATE_TIME);
  ajv.addFormat("uri", URI);
  ajv.addSchema(defsSchema);
  const out = new Map<DocumentKind, Validate>();
  for (const [kind, schema] of Object.entries(SCHEMAS) as [DocumentKind, object][]) {
    out.set(kind, ajv.compile(schema) as Validate);
  }
  return out;
}

/** Throws a RongqiError listing every problem of `doc` as a `kind`; `what` names the document. */
export async function checkDocument(kind: DocumentKind, doc: unknown, what: string): Promise<void> {
  validators ??= await compile();
  const validate = validators.get(kind)!;
  if (validate(doc)) return;
  const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`);
  throw new RongqiError(`${what} is not a valid image ${kind === "layout" ? "oci-layout file" : kind}: ${problems.join("; ")}`);
}

/** Parses JSON bytes, naming the document in the error. */
export function parseJsonDocument(data: Buffer | string, what: string): unknown {
  try {
    return JSON.parse(data.toString());
  } catch (err) {
    throw new RongqiError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}
