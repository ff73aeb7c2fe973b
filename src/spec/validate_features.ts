/**
 * Checks a Features structure (features.md, features-linux.md) against
 * rongqi's schema (schemas/features.schema.json, precompiled), plus what a
 * schema cannot say: ociVersionMax MUST NOT be less than ociVersionMin. The
 * structure MUST NOT contain properties the spec does not define, so unknown
 * properties are errors here.
 *
 * @example
 * ```ts
 * import { validateFeatures } from "./validate_features.ts";
 * validateFeatures({ ociVersionMin: "1.0.0" });
 * // [{ pointer: "/ociVersionMax", message: "is required" }]
 * ```
 */
import { validateFeaturesSchema } from "./_features_validator.generated.js";
import { schemaProblems } from "./_schema_problems.ts";
import { compareSemver } from "./oci_version.ts";
import { problem, type Problem } from "./problem.ts";
import type { Features } from "./types/features.ts";

export function validateFeatures(doc: unknown): Problem[] {
  if (!validateFeaturesSchema(doc)) {
    return schemaProblems(validateFeaturesSchema.errors ?? [], doc, { unknownProperties: "error" });
  }
  const { ociVersionMin, ociVersionMax } = doc as Features;
  if (compareSemver(ociVersionMax, ociVersionMin) < 0) {
    return [problem("/ociVersionMax", `${ociVersionMax} is less than ociVersionMin ${ociVersionMin}`)];
  }
  return [];
}
