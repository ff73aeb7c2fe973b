// Sentences of the specification that many checks test (each check may
// also quote its own). Quoted word for word, links and markup removed;
// conformance/requirements_test.ts verifies them against the spec text.
import type { SpecRef } from "./_check.ts";

/** runtime.md, Create */
export const APPLIED: SpecRef = {
  file: "runtime.md",
  quote: "All of the properties configured in config.json except for process MUST be applied.",
};

/** runtime.md, Create */
export const CANNOT_APPLY: SpecRef = {
  file: "runtime.md",
  quote: "If the runtime cannot apply a property as specified in the configuration, it MUST generate an error and a new container MUST NOT be created.",
};

/** runtime.md, Start */
export const RUN_AS_SPECIFIED: SpecRef = {
  file: "runtime.md",
  quote: "This operation MUST run the user-specified program as specified by process.",
};

/** runtime.md, Lifecycle step 2 */
export const ENV_CREATED: SpecRef = {
  file: "runtime.md",
  quote: "The container's runtime environment MUST be created according to the configuration in config.json.",
};

/** config.md, Linux mount options */
export const MOUNT_OPTIONS: SpecRef = {
  file: "config.md",
  quote: "Runtimes MUST/SHOULD/MAY implement the following option strings for Linux:",
};

/** runtime.md, Errors */
export const ERROR_NO_TRACE: SpecRef = {
  file: "runtime.md",
  quote: "Unless otherwise stated, generating an error MUST leave the state of the environment as if the operation were never attempted - modulo any possible trivial ancillary changes such as logging.",
};

/** runtime.md, Delete */
export const DELETE_RESOURCES: SpecRef = {
  file: "runtime.md",
  quote: "Deleting a container MUST delete the resources that were created during the create step.",
};
