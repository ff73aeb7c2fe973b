import t from "tap";
import { defineCommand } from "./command.ts";
import { defineGroup } from "./_command_group.ts";
import { main } from "./main.ts";

const calls: unknown[] = [];
const add = defineCommand({
  name: "thing add",
  summary: "add a thing",
  flags: [{ name: "loud", short: "l", type: "boolean", help: "say it loud" }] as const,
  args: [{ name: "name" }, { name: "extra", optional: true, variadic: true }],
  run({ args, flags, out }) {
    calls.push({ args, flags });
    out(`added ${args[0]}\n`);
  },
});
const ls = defineCommand({ name: "thing ls", summary: "list things", flags: [] as const, args: [], run: ({ out }) => out("none\n") });
const group = defineGroup({ name: "thing", summary: "manage things", actions: [add, ls] });

async function cli(argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) }, [group]);
  return { code, out, err };
}

t.test("an action runs with its own flags and arguments, in any order", async (t) => {
  calls.length = 0;
  t.same(await cli(["thing", "add", "x", "--loud", "y"]), { code: 0, out: "added x\n", err: "" });
  t.same(calls, [{ args: ["x", "y"], flags: { loud: true } }]);
  t.equal((await cli(["thing", "ls"])).out, "none\n");
});

t.test("help for the group lists the actions; help for an action shows its usage", async (t) => {
  const g = await cli(["thing", "--help"]);
  t.match(g.out, /Usage: rongqi thing <action> \[<arguments>\.\.\.\]/);
  t.match(g.out, /Actions:\n  add   add a thing\n  ls    list things/);
  t.match(g.out, /rongqi thing add \[options\] <name> \[<extra>\.\.\.\]/);
  const a = await cli(["thing", "add", "--help"]);
  t.match(a.out, /^Usage: rongqi thing add \[options\] <name> \[<extra>\.\.\.\]\n\nAdd a thing\./);
  t.match(a.out, /-l, --loud +say it loud/);
});

t.test("mistakes get one clear line", async (t) => {
  t.match((await cli(["thing", "ad", "x"])).err, /rongqi: unknown action "ad" for "thing" \(did you mean "add"\?\); actions: add, ls/);
  t.match((await cli(["thing", "add"])).err, /rongqi: "thing add" needs <name> \(usage: rongqi thing add <name> \[<extra>\.\.\.\]\)/);
  t.match((await cli(["thing", "ls", "x"])).err, /rongqi: "thing ls" takes no arguments, got "x"/);
  t.match((await cli(["thing", "add", "x", "--quiet"])).err, /rongqi: unknown flag --quiet for "thing add"/);
  t.match((await cli(["thing"])).err, /rongqi: "thing" needs <action>/);
});
