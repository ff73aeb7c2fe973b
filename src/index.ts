/**
 * rongqi as a library: the operations the CLI runs, typed, for programs that
 * embed the runtime rather than exec it.
 *
 * @example
 * ```ts
 * import { defaultConfig, features, loadConfig } from "rongqi";
 * const config = defaultConfig({ rootless: true });
 * features().linux?.namespaces;       // the namespace kinds rongqi implements
 * const { config: c, warnings } = loadConfig("/path/to/bundle"); // throws ValidationError listing every problem
 * ```
 */

// Versions.
export { SPEC_VERSION, SPEC_VERSION_MIN, VERSION } from "./version.ts";

// Errors and logging.
export { errorLine, RongqiError, SyscallError, type SyscallErrorInit } from "./errors.ts";
export { ValidationError } from "./spec/validation_error.ts";
export type { Problem } from "./spec/problem.ts";
export { configureLog, log, type LogFields, type LogFormat, type Logger, type LogLevel, type LogOptions } from "./log.ts";

// Options shared by every operation (the CLI's global flags).
export {
  DEFAULT_ROOT, defaultRuntimeOptions, rootlessCgroups, type RootlessSetting, type RuntimeOptions,
} from "./runtime_options.ts";

// config.json: types, the starter configuration, validation.
export type { Config } from "./spec/types/config.ts";
export { defaultConfig, type DefaultConfigOptions } from "./spec/default_config.ts";
export { writeDefaultConfig } from "./spec/write_default_config.ts";
export { loadConfig, type LoadedConfig } from "./spec/load_config.ts";
export { loadProcess } from "./spec/load_process.ts";
export { validateConfig, validateProcess } from "./spec/validate_config.ts";
export { validateState } from "./spec/validate_state.ts";

// What rongqi implements.
export { features, type FeatureContribution, type Features } from "./spec/features.ts";
export { validateFeatures } from "./spec/validate_features.ts";

// Tables the implementation uses, for tools that translate configurations.
export { MOUNT_OPTIONS, mountOptionNames, parseMountOptions, type MountOptionEffect, type ParsedMountOptions } from "./linux/mount_options.ts";
export { CAPABILITIES, capabilityNumber, type CapabilityName } from "./linux/capabilities_list.ts";

// The snapshotter: images in a store, containers' overlay file systems.
export { DEFAULT_STORE, openStore, type Store } from "./snapshot/open_store.ts";
export { importImage, type ImportOptions, type ImportResult, type ImportedImage, type ImportedLayer } from "./snapshot/import_image.ts";
export { listImages, type ImageSummary } from "./snapshot/list_images.ts";
export { inspectImage, type ImageInspection } from "./snapshot/inspect_image.ts";
export { removeImage, type RemoveImageResult } from "./snapshot/remove_image.ts";
export { gcStore, type GcResult } from "./snapshot/gc_store.ts";
export { exportImage, type ExportOptions } from "./snapshot/export_image.ts";
export { prepareSnapshot, type PrepareOptions, type PrepareResult } from "./snapshot/prepare_snapshot.ts";
export { inspectSnapshot, type SnapshotInspection, type SnapshotLayer } from "./snapshot/inspect_snapshot.ts";
export { diffSnapshot, type Change } from "./snapshot/diff_snapshot.ts";
export { commitSnapshot, type CommitOptions, type CommitResult } from "./snapshot/commit_snapshot.ts";
export { removeSnapshot, type RemoveSnapshotOptions } from "./snapshot/remove_snapshot.ts";
export { listSnapshots, type SnapshotSummary } from "./snapshot/list_snapshots.ts";
export { unpackLayer, type UnpackOptions, type UnpackResult } from "./snapshot/unpack_layer.ts";
export { imageRuntimeConfig, imageAnnotations, type RuntimeConfigOptions } from "./snapshot/image_runtime_config.ts";
