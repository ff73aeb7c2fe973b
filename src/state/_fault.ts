// Fault injection for tests: with RONGQI_TEST_FAULT=<point> in its
// environment, the runtime kills itself with SIGKILL when it reaches that
// point, so tests can show that an interrupted operation leaves nothing that
// `delete --force` cannot remove. Only the test suite sets this variable.
export function faultPoint(point: string): void {
  if (process.env["RONGQI_TEST_FAULT"] === point) process.kill(process.pid, "SIGKILL");
}
