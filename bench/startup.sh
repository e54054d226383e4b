#!/usr/bin/env bash
# Start-up: what a pre-commit hook pays before and beside the work itself.
#
#   bench/startup.sh [WORKTREE]    default /work/bench-data/git/cargo-wt
#
# In one hyperfine run: `leakhound stdin` on a 6-byte input, and `staged` on
# the worktree's staged change (if nothing is staged, ten tracked .rs files get
# three lines each and are staged; they are restored at exit), for LEAKHOUND
# (default target/release/leakhound) and, if set, LEAKHOUND_OLD, beside
# `betterleaks git --staged` and `gitleaks git --pre-commit --staged` (from
# PEERS_BIN, default target/peers/bin). Then the same two leakhound commands
# with 4x the rules: a generated config that extends the built-in rules with
# three renamed copies of each (same regexes and keywords, new ids), which
# shows what a rule costs at start. RUNS (20) runs each.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wt="${1:-/work/bench-data/git/cargo-wt}"
leakhound="${LEAKHOUND:-$repo_dir/target/release/leakhound}"
peers="${PEERS_BIN:-$repo_dir/target/peers/bin}"
runs="${RUNS:-20}"
out="$(mktemp -d)"
echo "load: $(uptime)" >&2

if git -C "$wt" diff --cached --quiet; then
  mapfile -t files < <(git -C "$wt" ls-files '*.rs' | head -10)
  for f in "${files[@]}"; do
    printf '\n// edited for the start-up benchmark\nconst BENCH_STARTUP: u32 = 1;\n' >>"$wt/$f"
  done
  git -C "$wt" add -- "${files[@]}"
  # shellcheck disable=SC2064 # expanded now on purpose
  trap "git -C $(printf %q "$wt") reset -q -- ${files[*]}; git -C $(printf %q "$wt") checkout -q -- ${files[*]}" EXIT
fi
echo "staged in $wt: $(git -C "$wt" diff --cached --shortstat)" >&2
printf 'hello\n' >"$out/tiny.txt"

cmds=()
for bin in "$leakhound" ${LEAKHOUND_OLD:+"$LEAKHOUND_OLD"}; do
  cmds+=("$bin stdin < $out/tiny.txt" "$bin staged $wt")
done
[[ -x "$peers/betterleaks" ]] && cmds+=("$peers/betterleaks git --staged $wt --no-banner")
[[ -x "$peers/gitleaks" ]] && cmds+=("$peers/gitleaks git --pre-commit --staged $wt --no-banner")
hyperfine --style basic --warmup 3 --runs "$runs" --ignore-failure \
  --export-markdown "$out/startup.md" "${cmds[@]}" >"$out/startup.log"
cat "$out/startup.md"
echo

python3 - "$repo_dir/rules" "$out/rules4x.toml" <<'PY'
import glob, json, sys, tomllib

def toml_value(v):
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(v)

lines = ["[extend]", "useDefault = true", ""]
n = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.toml")):
    with open(path, "rb") as f:
        rules = tomllib.load(f).get("rules", [])
    for copy in (1, 2, 3):
        for rule in rules:
            lines.append("[[rules]]")
            for key, value in rule.items():
                if key == "id":
                    value = f"{value}-copy{copy}"
                lines.append(f"{json.dumps(key)} = {toml_value(value)}")
            lines.append("")
            n += 1
open(sys.argv[2], "w").write("\n".join(lines))
print(f"generated {n} more rules: {sys.argv[2]}", file=sys.stderr)
PY
hyperfine --style basic --warmup 1 --runs "$((runs / 4 + 1))" --ignore-failure \
  --export-markdown "$out/startup4x.md" \
  "$leakhound stdin < $out/tiny.txt" \
  "$leakhound stdin -c $out/rules4x.toml < $out/tiny.txt" \
  "$leakhound staged $wt -c $out/rules4x.toml" >"$out/startup4x.log"
cat "$out/startup4x.md"
echo "results: $out" >&2
