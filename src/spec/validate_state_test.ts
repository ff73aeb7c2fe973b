import t from "tap";
import { validateContainerProcessState, validateState } from "./validate_state.ts";

const good = { ociVersion: "1.3.0", id: "web-1", status: "running", pid: 4422, bundle: "/containers/web", annotations: { a: "b" } };

t.test("good states", (t) => {
  t.same(validateState(good), []);
  t.same(validateState({ ociVersion: "1.3.0", id: "c", status: "stopped", bundle: "/b" }), [], "stopped needs no pid");
  t.same(validateState({ ...good, status: "paused", rongqi: { extra: true } }), [], "more statuses and properties MAY exist");
  t.end();
});

t.test("bad states", (t) => {
  t.same(validateState({ ...good, pid: undefined }), [{ pointer: "/pid", message: "is required" }], "running needs a pid");
  t.same(validateState({ ...good, status: "created", pid: undefined }), [{ pointer: "/pid", message: "is required" }]);
  t.same(validateState({ ...good, bundle: "containers/web" }), [
    { pointer: "/bundle", message: '"containers/web" is not an absolute path (it must start with /)' },
  ]);
  t.same(validateState({ ...good, id: "" }), [{ pointer: "/id", message: "must not be empty" }]);
  t.same(validateState({ ...good, pid: -1 }), [{ pointer: "/pid", message: "must be at least 0, not -1" }]);
  t.same(validateState({ ...good, ociVersion: "v1" }), [{ pointer: "/ociVersion", message: '"v1" is not a SemVer 2.0.0 version such as 1.2.0' }]);
  t.same(validateState({ id: "x" }).map((p) => p.pointer), ["/ociVersion", "/status", "/bundle"]);
  t.end();
});

t.test("container process state for seccomp agents", (t) => {
  const doc = { ociVersion: "1.3.0", fds: ["seccompFd"], pid: 4422, metadata: "m", state: { ...good, status: "creating", pid: 4422 } };
  t.same(validateContainerProcessState(doc), []);
  t.same(validateContainerProcessState({ ...doc, state: { ...good, bundle: 1 } }), [{ pointer: "/state/bundle", message: "must be a string, not a number (1)" }]);
  t.end();
});
