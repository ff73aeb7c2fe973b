// Writes a busybox image, made offline from the host's static busybox, as an
// OCI image layout (or, with --docker-archive FILE.tar, as a docker-archive).
// Usage: node_modules/.bin/node src/snapshot/testdata/make_busybox_image.ts DIR [--docker-archive]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeRootfs } from "../../../test/_bundle.ts";
import { tarLayer, writeDockerArchive, writeOciLayout } from "./build_image.ts";

const [dest, flag] = process.argv.slice(2);
if (!dest) {
  console.error("usage: make_busybox_image.ts DIR | FILE.tar --docker-archive");
  process.exit(2);
}
if (!existsSync("/bin/busybox")) {
  console.error("make_busybox_image: /bin/busybox is missing (apt-get install busybox-static)");
  process.exit(1);
}
const rootfs = mkdtempSync(join(tmpdir(), "rongqi-example-rootfs-"));
try {
  makeRootfs(rootfs);
  const image = {
    name: "busybox:latest",
    layers: [tarLayer(rootfs)],
    config: { Cmd: ["sh"], Env: ["PATH=/bin"], WorkingDir: "/root", Labels: { "org.opencontainers.image.title": "busybox" } },
  };
  if (flag === "--docker-archive") writeDockerArchive(dest, [image]);
  else writeOciLayout(dest, [image]);
} finally {
  rmSync(rootfs, { recursive: true, force: true });
}
