import t from "tap";
import { RongqiError } from "../errors.ts";
import { idProblem, validateId } from "./validate_id.ts";

t.test("accepts runc's character set", (t) => {
  for (const id of ["a", "web-1", "A_b.c+d-e", "0123", "x".repeat(1024), "...", ".a", "a..b"]) {
    t.doesNotThrow(() => validateId(id), id.length > 20 ? `${id.length} chars` : id);
  }
  t.end();
});

t.test("rejects with a message naming the id and the reason", (t) => {
  const err = t.throws(() => validateId("a/b"));
  t.ok(err instanceof RongqiError);
  t.equal((err as Error).message, `invalid container id "a/b": only A-Z, a-z, 0-9, '_', '+', '.' and '-' are allowed`);
  t.throws(() => validateId(""), { message: 'invalid container id "": it must not be empty' });
  t.throws(() => validateId("."), { message: `invalid container id ".": it must not be '.' or '..'` });
  t.throws(() => validateId(".."), { message: /must not be '\.' or '\.\.'/ });
  t.throws(() => validateId("x".repeat(1025)), { message: /: it is 1025 characters long, the limit is 1024$/ });
  t.throws(() => validateId("x".repeat(1025)), { message: /^invalid container id "x{80}\.\.\."/ }, "a long id is shortened in the message");
  for (const bad of ["a b", "a\nb", "é", "a:b", "../x", "a\0b", "ab/"]) t.not(idProblem(bad), undefined, JSON.stringify(bad));
  t.end();
});
