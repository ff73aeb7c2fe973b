// Media types of image-spec (media-types.md) and of Docker's formats that the importer accepts.
export const INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
export const MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
export const CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
export const LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
export const LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

/** Manifest lists (indexes) the importer follows to a platform's manifest. */
export const INDEX_TYPES: ReadonlySet<string> = new Set([INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set([MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST]);
export const CONFIG_TYPES: ReadonlySet<string> = new Set([CONFIG_MEDIA_TYPE, DOCKER_CONFIG]);

/** Layer media types and the compression each names (the data's own magic number is checked too). */
export const LAYER_TYPES: ReadonlyMap<string, "none" | "gzip" | "zstd"> = new Map([
  [LAYER_TAR, "none"],
  [LAYER_TAR_GZIP, "gzip"],
  ["application/vnd.oci.image.layer.v1.tar+zstd", "zstd"],
  ["application/vnd.oci.image.layer.nondistributable.v1.tar", "none"],
  ["application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", "gzip"],
  ["application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", "zstd"],
  ["application/vnd.docker.image.rootfs.diff.tar", "none"],
  ["application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip"],
  ["application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "gzip"],
]);

/** The annotation that names an image in an index.json (image-layout.md). */
export const REF_NAME = "org.opencontainers.image.ref.name";
