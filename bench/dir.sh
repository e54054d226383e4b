#!/usr/bin/env bash
# Directory-scan benchmark: the floor (cat of every file), leakhound and the
# peers on one corpus, each run $WARMUP + $RUNS times; prints the medians.
#
#   bench/dir.sh [CORPUS_DIR]      default /work/bench-data/dir-corpus
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

corpus="${1:-/work/bench-data/dir-corpus}"
[[ -d "$corpus" ]] || { echo "no corpus at $corpus (run bench/setup.sh)" >&2; exit 2; }
init_results dir

echo "corpus: $corpus: $(find "$corpus" -type f | wc -l) files," \
  "$(find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print int(s / 1e6) }') MB" >&2
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
measure floor none - \
  bash -c 'find "$1" -type f -print0 | xargs -0 cat >/dev/null' floor "$corpus"
measure leakhound leakhound "$out/leakhound.json" \
  "$leakhound" dir "$corpus" --format json -o "$out/leakhound.json"
# Decoding and archives off: what they cost.
measure leakhound-plain leakhound "$out/leakhound-plain.json" \
  "$leakhound" dir "$corpus" --format json -o "$out/leakhound-plain.json" \
  --max-decode-depth 0 --no-archives
measure gitleaks gitleaks "$out/gitleaks.json" \
  "$gitleaks" dir "$corpus" -f json -r "$out/gitleaks.json" --no-banner
measure betterleaks betterleaks "$out/betterleaks.json" \
  "$betterleaks" "$corpus" -o "$out/betterleaks.json" --no-banner
measure kingfisher kingfisher "$out/kingfisher.json" \
  "$kingfisher" scan "$corpus" --git-history none --no-validate --no-update-check \
  --format json -o "$out/kingfisher.json"
print_table
