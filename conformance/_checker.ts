// The checker that runs inside containers: a busybox sh library of
// assertions printing TAP-style lines ("ok - name", "not ok - name # why"),
// sourced by each check's script (/conformance/check in the bundle), and the
// parser for what it prints.

/** /conformance/lib.sh */
export const LIB_SH = String.raw`# assertions for conformance checks; each prints one TAP-style line
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1 # $2" | tr '\n' ' '; echo; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "got '$2', want '$3'"; fi; }
ne() { if [ "$2" != "$3" ]; then ok "$1"; else nok "$1" "got '$2', want something else"; fi; }
match() { if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else nok "$1" "got '$2', want /$3/"; fi; }
nomatch() { if printf '%s\n' "$2" | grep -Eq -- "$3"; then nok "$1" "got '$2', want no /$3/"; else ok "$1"; fi; }
# succeeds NAME CMD...: CMD exits 0
succeeds() { _n=$1; shift; if _o=$("$@" 2>&1); then ok "$_n"; else nok "$_n" "'$*' failed: $_o"; fi; }
# fails NAME REGEX CMD...: CMD fails with a message matching REGEX
fails() {
  _n=$1; _r=$2; shift 2
  if _o=$("$@" 2>&1); then nok "$_n" "'$*' succeeded: $_o"
  elif printf '%s\n' "$_o" | grep -Eiq -- "$_r"; then ok "$_n"
  else nok "$_n" "'$*' failed with '$_o', want /$_r/"; fi
}
# field of /proc/<container process>/status
status() { sed -n "s/^$1:[[:space:]]*//p" /proc/$$/status; }
# mnt PATH: "<mount options> <fstype> <super options> <optional fields>" of the last mount at PATH
mnt() {
  awk -v p="$1" '$5==p { s=0; for (i=7;i<=NF;i++) if ($i=="-") { s=i; break }; f=""; for (i=7;i<s;i++) f=f" "$i; r=$6" "$(s+1)" "$(s+3)" "f } END { print r }' /proc/$$/mountinfo
}
# hasopt OPTS WORD: WORD is one of the comma-separated words in OPTS
hasopt() { case ",$1," in *",$2,"*) return 0;; esac; return 1; }
optin() { _o=$(mnt "$2" | cut -d' ' -f1,3 | tr ' ' ','); if hasopt "$_o" "$3"; then ok "$1"; else nok "$1" "$2 has options '$_o', want $3"; fi; }
optout() { _o=$(mnt "$2" | cut -d' ' -f1,3 | tr ' ' ','); if hasopt "$_o" "$3"; then nok "$1" "$2 has options '$_o', want no $3"; else ok "$1"; fi; }
ismount() { if [ -n "$(mnt "$2")" ]; then ok "$1"; else nok "$1" "$2 is not a mount point"; fi; }
ns() { readlink /proc/$$/ns/$1; }
finish() { echo "# checker done"; }
`;

/** A check script: the library, the body, and the end marker. */
export function checkScript(body: string): string {
  return `#!/bin/sh\n. /conformance/lib.sh\n${body}\nfinish\n`;
}

/** Quotes a string for sh. */
export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface CheckerLine {
  ok: boolean;
  name: string;
  detail?: string;
}

export interface CheckerOutput {
  lines: CheckerLine[];
  /** the checker reached its end */
  done: boolean;
  raw: string;
}

export function parseChecker(raw: string): CheckerOutput {
  const lines: CheckerLine[] = [];
  let done = false;
  for (const line of raw.split("\n")) {
    const m = /^(not ok|ok) - (.*?)(?: # (.*))?$/.exec(line);
    if (m) lines.push({ ok: m[1] === "ok", name: m[2]!, detail: m[3] });
    else if (line === "# checker done") done = true;
  }
  return { lines, done, raw };
}
