/** Where the snapshotter's store lives unless `--store` says otherwise. */
export const DEFAULT_STORE = "/var/lib/rongqi";
