import t from "tap";
import { checkProcessRequired } from "./process_required.ts";
import { minimalConfig } from "../testdata/configs.ts";

t.test("process must be there for create", (t) => {
  const c = minimalConfig();
  t.same(checkProcessRequired(c), []);
  delete c.process;
  t.same(checkProcessRequired(c), [{ pointer: "/process", message: "is required: start runs this process" }]);
  t.end();
});
