#!/usr/bin/env bash
# Scaling table: every history and the directory corpus, leakhound (all
# cores, -j1, -j2) beside the peers and the floors, in one run.
#
#   bench/scale.sh [GIT_DIR...]    default: /work/bench-data/git/{croc,cargo,rails}.git
#                                  (those present), then the dir corpus
#
# Floors: `git cat-file --batch-all-objects --batch` (one process) for a
# history, `cat` of every file for the directory corpus. Prints one table per
# corpus: wall, CPU, peak RSS, findings, and the wall ratio to the fastest
# peer and to the floor. RUNS (1), WARMUP (0), TOOLS as in lib.sh.
set -euo pipefail
RUNS="${RUNS:-1}" WARMUP="${WARMUP:-0}"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

repos=("$@")
if ((${#repos[@]} == 0)); then
  for name in croc cargo rails; do
    [[ -d "/work/bench-data/git/$name.git" ]] && repos+=("/work/bench-data/git/$name.git")
  done
fi
corpus="${CORPUS_DIR:-/work/bench-data/dir-corpus}"
echo "load: $(uptime)" >&2

# leakhound_rows ARGS...: leakhound with all cores, then -j1 and -j2.
leakhound_rows() {
  measure leakhound leakhound "$out/leakhound.json" "$leakhound" "$@" --format json -o "$out/leakhound.json"
  local j
  for j in 1 2; do
    measure "leakhound-j$j" leakhound "$out/leakhound-j$j.json" \
      "$leakhound" "$@" -j "$j" --format json -o "$out/leakhound-j$j.json"
  done
}

for repo in "${repos[@]}"; do
  init_results "scale-$(basename "$repo" .git)"
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  measure floor none - bash -c \
    'git --git-dir="$1" cat-file --batch-all-objects --batch --unordered >/dev/null' floor "$repo"
  leakhound_rows git "$repo"
  measure gitleaks gitleaks "$out/gitleaks.json" \
    "$gitleaks" git "$repo" -f json -r "$out/gitleaks.json" --no-banner
  measure betterleaks betterleaks "$out/betterleaks.json" \
    "$betterleaks" git "$repo" -o "$out/betterleaks.json" --no-banner
  measure kingfisher kingfisher "$out/kingfisher.json" \
    "$kingfisher" scan "$repo" --git-history full --no-validate --no-update-check \
    --format json -o "$out/kingfisher.json"
  echo "### history: $(basename "$repo" .git)"
  python3 "$bench_dir/findings.py" scale "$results"
  echo
done

if [[ -d "$corpus" ]]; then
  init_results scale-dir
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash
  measure floor none - bash -c 'find "$1" -type f -print0 | xargs -0 cat >/dev/null' floor "$corpus"
  leakhound_rows dir "$corpus"
  measure gitleaks gitleaks "$out/gitleaks.json" \
    "$gitleaks" dir "$corpus" -f json -r "$out/gitleaks.json" --no-banner
  measure betterleaks betterleaks "$out/betterleaks.json" \
    "$betterleaks" "$corpus" -o "$out/betterleaks.json" --no-banner
  measure kingfisher kingfisher "$out/kingfisher.json" \
    "$kingfisher" scan "$corpus" --git-history none --no-validate --no-update-check \
    --format json -o "$out/kingfisher.json"
  echo "### directory: $corpus"
  python3 "$bench_dir/findings.py" scale "$results"
fi
