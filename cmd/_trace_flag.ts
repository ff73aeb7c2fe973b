// The --trace flag of the commands that act on the kernel (create, run, exec, delete).
// Use it with src/trace/with_trace.ts: `withTrace(flags.trace, "create", () => ...)`.
export const traceFlag = {
  name: "trace",
  type: "string",
  value: "FILE",
  help: "write each step taken (namespaces, mounts, devices, cgroups, capabilities, seccomp, hooks, waits) with its timing to FILE as Chrome trace-event JSON (Perfetto, chrome://tracing)",
} as const;
