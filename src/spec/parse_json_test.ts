import t from "tap";
import { RongqiError } from "../errors.ts";
import { parseJson } from "./parse_json.ts";

t.test("valid JSON is parsed", (t) => {
  t.same(parseJson('{"a": [1, "x", null, true]}', "config.json"), { a: [1, "x", null, true] });
  t.same(parseJson(" 3 ", "x.json"), 3);
  t.end();
});

const BAD: [string, string, string][] = [
  ['{\n  "a": 1,\n  "b" 2\n}', "x.json", 'x.json: invalid JSON at line 3, column 7: expected ":" after property name, found "2"'],
  ['{\n  "a": 1\n  "b": 2\n}', "config.json", 'config.json: invalid JSON at line 3, column 3: expected "," or "}" after property value, found "\\""'],
  ['{"a": tru}', "config.json", 'config.json: invalid JSON at line 1, column 10: unexpected "}" in literal true'],
  ["[1,]", "config.json", 'config.json: invalid JSON at line 1, column 4: unexpected "]", expected a value'],
  ['{"a": 1,}', "config.json", 'config.json: invalid JSON at line 1, column 9: expected a property name in double quotes, found "}"'],
  ["{'a': 1}", "config.json", `config.json: invalid JSON at line 1, column 2: expected a property name in double quotes, found "'"`],
  ['{"a": 1} x', "config.json", 'config.json: invalid JSON at line 1, column 10: unexpected "x" after the end of the JSON value'],
  ['{"a":', "config.json", "config.json: invalid JSON at line 1, column 6: unexpected end of input, expected a value"],
  ['{"a": "b', "config.json", "config.json: invalid JSON at line 1, column 7: unterminated string"],
  ['{"a": "x\ny"}', "config.json", "config.json: invalid JSON at line 1, column 9: bad character U+000A in string (control characters must be escaped)"],
  ['{"a": "\\q"}', "config.json", "config.json: invalid JSON at line 1, column 8: bad escape \\q in string"],
  ['{"a": 01}', "config.json", 'config.json: invalid JSON at line 1, column 8: bad number: unexpected "1"'],
  ['{"a": -}', "config.json", 'config.json: invalid JSON at line 1, column 7: bad number starting with "-"'],
  ["\uFEFF{}", "config.json", "config.json: invalid JSON at line 1, column 1: unexpected character U+FEFF, expected a value"],
  ["// comment\n{}", "config.json", 'config.json: invalid JSON at line 1, column 1: unexpected "/", expected a value'],
  ["", "config.json", "config.json: invalid JSON: the file is empty"],
  [" \n ", "config.json", "config.json: invalid JSON: the file is empty"],
];

for (const [text, file, message] of BAD) {
  t.test(`invalid: ${JSON.stringify(text)}`, (t) => {
    t.throws(() => parseJson(text, file), { message, constructor: RongqiError });
    t.end();
  });
}

t.test("every text JSON.parse refuses gets a position", (t) => {
  // Random corruptions of a real document: whatever breaks it, the message has a line and column.
  const good = JSON.stringify({ ociVersion: "1.3.0", process: { args: ["sh", "-c", "x"], env: [] }, n: -1.5e3 }, null, 2);
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  let broken = 0;
  for (let i = 0; i < 300; i++) {
    const at = rand(good.length);
    const text = good.slice(0, at) + "{}[],:\"x0-".charAt(rand(11)) + good.slice(at + rand(2));
    let threw: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      threw = e;
    }
    if (!threw) continue;
    broken++;
    t.throws(() => parseJson(text, "c.json"), { message: /^c\.json: invalid JSON at line \d+, column \d+: / }, JSON.stringify(text));
  }
  t.ok(broken > 100, `${broken} corruptions tried`);
  t.end();
});
