import t from "tap";
import type { FlagDef } from "./command.ts";
import { parseArgs } from "./_parse_args.ts";

const DEFS: readonly FlagDef[] = [
  { name: "bundle", short: "b", type: "string", help: "" },
  { name: "detach", short: "d", type: "boolean", help: "" },
  { name: "preserve-fds", type: "uint", default: 0, help: "" },
  { name: "env", short: "e", type: "strings", help: "" },
  { name: "format", type: "string", choices: ["table", "json"], default: "table", help: "" },
];
const parse = (argv: string[], interspersed = true) => parseArgs(argv, DEFS, { owner: `"x"`, interspersed });

t.test("defaults", (t) => {
  t.same(parse([]).flags, { bundle: undefined, detach: false, "preserve-fds": 0, env: [], format: "table" });
  t.end();
});

t.test("every value form", (t) => {
  for (const argv of [
    ["--bundle", "/b"], ["--bundle=/b"], ["-bundle", "/b"], ["-bundle=/b"], ["-b", "/b"], ["-b=/b"],
  ]) {
    t.equal(parse(argv).flags.bundle, "/b", argv.join(" "));
  }
  t.equal(parse(["--bundle="]).flags.bundle, "", "an empty inline value is a value");
  t.equal(parse(["--bundle", "--detach"]).flags.bundle, "--detach", "the next word is the value, as in Go");
  t.equal(parse(["--preserve-fds", "3"]).flags["preserve-fds"], 3);
  t.equal(parse(["--preserve-fds=12"]).flags["preserve-fds"], 12);
  t.same(parse(["-e", "A=1", "--env=B=2", "--env", "C=3"]).flags.env, ["A=1", "B=2", "C=3"], "repeatable, = inside the value");
  t.equal(parse(["--format=json"]).flags.format, "json");
  t.equal(parse(["--bundle", "/a", "--bundle", "/b"]).flags.bundle, "/b", "the last one wins");
  t.end();
});

t.test("booleans", (t) => {
  t.equal(parse(["--detach"]).flags.detach, true);
  t.equal(parse(["-d"]).flags.detach, true);
  for (const v of ["true", "1", "t", "T", "TRUE", "True"]) t.equal(parse([`--detach=${v}`]).flags.detach, true, v);
  for (const v of ["false", "0", "f", "F", "FALSE", "False"]) t.equal(parse([`--detach=${v}`]).flags.detach, false, v);
  const p = parse(["--detach", "false"]);
  t.equal(p.flags.detach, true, "a boolean never takes the next word");
  t.same(p.positionals, ["false"]);
  t.end();
});

t.test("positionals, -- and interspersed flags", (t) => {
  t.same(parse(["id", "--detach", "9"]), { flags: { ...parse([]).flags, detach: true }, positionals: ["id", "9"] });
  t.same(parse(["--", "--detach", "-"]).positionals, ["--detach", "-"]);
  t.same(parse(["-"]).positionals, ["-"]);
  const strict = parse(["-d", "id", "ls", "-la", "--bundle", "x"], false);
  t.equal(strict.flags.detach, true);
  t.same(strict.positionals, ["id", "ls", "-la", "--bundle", "x"], "not interspersed: flags end at the first argument");
  t.end();
});

t.test("rejected input", (t) => {
  const cases: [string[], RegExp][] = [
    [["--bundel", "x"], /^unknown flag --bundel for "x" \(did you mean --bundle\?\)$/],
    [["--zzz"], /^unknown flag --zzz for "x"$/],
    [["-z"], /^unknown flag -z for "x"$/],
    [["--bundle"], /^flag --bundle needs a value$/],
    [["-b"], /^flag -b needs a value$/],
    [["--detach=yes"], /^invalid value "yes" for --detach: expected true or false$/],
    [["--preserve-fds", "-1"], /^invalid value "-1" for --preserve-fds: expected a non-negative integer$/],
    [["--preserve-fds=x"], /expected a non-negative integer/],
    [["--preserve-fds=99999999999999999999"], /expected a non-negative integer/],
    [["--format", "xml"], /^invalid value "xml" for --format: must be one of table, json$/],
  ];
  for (const [argv, message] of cases) {
    t.throws(() => parse(argv), { name: "RongqiError", exitCode: 1, message }, argv.join(" "));
  }
  t.throws(() => parseArgs(["--debug"], DEFS, { owner: "x", unknownHint: (n) => (n === "debug" ? "global" : undefined) }), {
    message: "unknown flag --debug for x: global",
  });
  t.end();
});
