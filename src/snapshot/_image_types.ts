// The shapes of image-spec documents the snapshotter reads and writes
// (schemas/image-*.schema.json check them when they come in).
import type { Digest } from "./_digest.ts";

export interface Platform {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
  data?: string;
  artifactType?: string;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageConfigConfig {
  User?: string | null;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string | null;
  [other: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  author?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string | null;
  author?: string | null;
  architecture: string;
  os: string;
  "os.version"?: string | null;
  "os.features"?: string[] | null;
  variant?: string | null;
  config?: ImageConfigConfig | null;
  rootfs: { type: "layers"; diff_ids: Digest[] };
  history?: HistoryEntry[] | null;
  [other: string]: unknown;
}
