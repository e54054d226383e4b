#!/usr/bin/env bash
# History-scan benchmark, and staged-scan (pre-commit) timing.
#
#   bench/git.sh REPO_GIT_DIR             every blob / commit of every ref: the floor
#                                         (cat-file of all objects), leakhound git and the
#                                         peers, each run $WARMUP + $RUNS times; medians
#   bench/git.sh --staged REPO_WORKTREE   leakhound staged and the peers' pre-commit scans,
#                                         timed by hyperfine
#
# Use the copies bench/setup.sh makes under /work/bench-data/git/: NAME.git (a
# mirror whose blobs absent from the snapshot are replaced by a placeholder, so
# that `git log -p` works; betterleaks turns replace refs off) and NAME-wt (a
# worktree for --staged).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

history() {
  local repo="$1"
  git --git-dir="$repo" rev-parse --git-dir >/dev/null
  init_results "git-$(basename "$repo" .git)"
  echo "repo: $repo: $(git --git-dir="$repo" rev-list --all --count) commits," \
    "$(git --git-dir="$repo" for-each-ref | wc -l) refs" >&2
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  measure floor none - bash -c \
    'git --git-dir="$1" cat-file --batch-all-objects --batch --unordered >/dev/null' floor "$repo"
  measure leakhound leakhound "$out/leakhound.json" \
    "$leakhound" git "$repo" --format json -o "$out/leakhound.json"
  measure gitleaks gitleaks "$out/gitleaks.json" \
    "$gitleaks" git "$repo" -f json -r "$out/gitleaks.json" --no-banner
  measure betterleaks betterleaks "$out/betterleaks.json" \
    "$betterleaks" git "$repo" -o "$out/betterleaks.json" --no-banner
  measure kingfisher kingfisher "$out/kingfisher.json" \
    "$kingfisher" scan "$repo" --git-history full --no-validate --no-update-check \
    --format json -o "$out/kingfisher.json"
  print_table
}

staged() {
  local wt="$1" added="" changed="" names=() cmds=()
  wt="$(cd "$wt" && pwd)"
  git -C "$wt" rev-parse --show-toplevel >/dev/null
  init_results "staged-$(basename "$wt")"
  if git -C "$wt" diff --cached --quiet; then
    # Stage a typical small commit: a new 40-line file holding one token, and
    # 5 lines appended to a tracked file. Undone on exit.
    added="leakhound-bench-staged.py"
    changed="$(git -C "$wt" ls-files | awk '/\.(rb|rs|md)$/ && !f { print; f = 1 }')"
    [[ -n "$changed" ]] || changed="$(git -C "$wt" ls-files | awk 'NR == 1')"
    local token i undo
    token="$(python3 - <<'PY'
import random, string, zlib
alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
body = "".join(random.choice(alphabet) for _ in range(30))
n, check = zlib.crc32(body.encode()), ""
for _ in range(6):
    n, d = divmod(n, 62)
    check = alphabet[d] + check
print("ghp_" + body + check)  # a GitHub classic token: random part + base62 CRC32
PY
)"
    {
      echo '"""Staged change for the pre-commit benchmark."""'
      for i in $(seq 1 38); do echo "SETTING_$i = $i"; done
      echo "GITHUB_TOKEN = \"$token\""
    } >"$wt/$added"
    for i in $(seq 1 5); do echo "# benchmark line $i" >>"$wt/$changed"; done
    undo="$(printf 'git -C %q reset -q -- %q %q; git -C %q checkout -q -- %q; rm -f %q' \
      "$wt" "$added" "$changed" "$wt" "$changed" "$wt/$added")"
    # shellcheck disable=SC2064 # expanded now on purpose: the locals are gone at exit
    trap "$undo" EXIT
    git -C "$wt" add -- "$added" "$changed"
  fi
  echo "worktree: $wt; staged:" >&2
  git -C "$wt" diff --cached --stat >&2

  # try NAME KIND N CMD...: the last N words of CMD write the report, the very
  # last being its path. One run with them checks that the tool finds the staged
  # token; hyperfine then times CMD without them, as a pre-commit hook runs it.
  try() {
    local name="$1" kind="$2" n="$3" count
    shift 3
    local report="${!#}" base=("${@:1:$(($# - n))}")
    if [[ ! -x "$1" ]]; then
      echo "| $name | n/a |" >>"$out/findings.md"
      return 0
    fi
    "$@" >"$out/$name.log" 2>&1 || true
    count="$(python3 "$bench_dir/findings.py" count "$kind" "$report" 2>/dev/null || echo err)"
    echo "| $name | $count |" >>"$out/findings.md"
    names+=(-n "$name")
    cmds+=("$(printf '%q ' "${base[@]}")")
  }
  printf '| tool | findings in the staged change |\n| --- | ---: |\n' >"$out/findings.md"
  try leakhound leakhound 4 "$leakhound" staged "$wt" --format json -o "$out/leakhound.json"
  try gitleaks gitleaks 4 "$gitleaks" git --pre-commit --staged "$wt" -f json -r "$out/gitleaks.json"
  try betterleaks betterleaks 2 "$betterleaks" git --staged "$wt" -o "$out/betterleaks.json"
  try kingfisher kingfisher 4 "$kingfisher" scan "$wt" --staged --no-validate --no-update-check \
    --format json -o "$out/kingfisher.json"
  if ((${#cmds[@]} == 0)); then
    echo "no tool found" >&2
    exit 2
  fi
  # hyperfine pairs the i-th `-n NAME` with the i-th command
  hyperfine --style basic --warmup 2 --min-runs "${STAGED_RUNS:-10}" --ignore-failure \
    --export-markdown "$out/hyperfine.md" "${names[@]}" "${cmds[@]}" >"$out/hyperfine.log"
  cat "$out/hyperfine.md"
  echo
  cat "$out/findings.md"
  echo
  echo "reports and logs: $out"
}

case "${1:-}" in
  --staged) staged "${2:?usage: git.sh --staged REPO_WORKTREE}" ;;
  "" | -h | --help) sed -n '2,13p' "$0"; exit 2 ;;
  *) history "$1" ;;
esac
