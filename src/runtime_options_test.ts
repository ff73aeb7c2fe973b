import t from "tap";
import { DEFAULT_ROOT, defaultStateRoot, inUserNamespace } from "./runtime_options.ts";

t.test("the host's root: /run/rongqi", async (t) => {
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "/run/user/0", USER: "root" }, 0, false), DEFAULT_ROOT);
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "/run/user/1000", USER: "alice" }, 0, false), DEFAULT_ROOT, "sudo keeping a user's environment");
});

t.test("another user: XDG_RUNTIME_DIR, else a directory of its own in /tmp", async (t) => {
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "/run/user/1000" }, 1000), "/run/user/1000/rongqi");
  t.equal(defaultStateRoot({}, 1000), "/tmp/rongqi-1000");
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "relative" }, 1000), "/tmp/rongqi-1000", "only an absolute XDG_RUNTIME_DIR");
});

t.test("uid 0 of a user namespace (rootless Podman): XDG_RUNTIME_DIR unless $USER is root", async (t) => {
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "/run/user/1000", USER: "alice" }, 0, true), "/run/user/1000/rongqi");
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "/run/user/1000" }, 0, true), "/run/user/1000/rongqi");
  t.equal(defaultStateRoot({ XDG_RUNTIME_DIR: "/run/user/0", USER: "root" }, 0, true), DEFAULT_ROOT);
  t.equal(defaultStateRoot({}, 0, true), DEFAULT_ROOT);
});

t.test("inUserNamespace reads the uid map", async (t) => {
  t.equal(inUserNamespace("         0          0 4294967295\n"), false);
  t.equal(inUserNamespace("         0       1000          1\n         1     100000      65536\n"), true);
});
