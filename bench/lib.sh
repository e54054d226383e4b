# shellcheck shell=bash
# Shared by dir.sh and git.sh: locate the tools, time runs, print the table.
# Settings (environment): RUNS (3), WARMUP (1), TOOLS (rows to run, e.g.
# "floor leakhound"; default all), LEAKHOUND, PEERS_BIN, BENCH_OUT.
# shellcheck disable=SC2034 # the tool paths are used by the scripts that source this

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench_dir")"
runs="${RUNS:-3}"
warmup="${WARMUP:-1}"
leakhound="${LEAKHOUND:-$root/target/release/leakhound}"
peers="${PEERS_BIN:-$root/target/peers/bin}"
gitleaks="$peers/gitleaks"
betterleaks="$peers/betterleaks"
kingfisher="$peers/kingfisher"

# init_results NAME: a fresh scratch dir $out for reports and logs, and $results.
init_results() {
  out="${BENCH_OUT:-/work/bench-data/results}/$1"
  rm -rf "$out"
  mkdir -p "$out"
  results="$out/results.txt"
  : >"$results"
}

# measure NAME KIND REPORT CMD...
# Runs CMD $warmup + $runs times under /usr/bin/time; appends one line per
# measured run to $results: NAME WALL USER SYS MAXRSS_KB FINDINGS.
# KIND is the report format (a tool name) or "none" (no report: the floor).
# A run counts as good when its report can be read, whatever its exit code
# (scanners exit non-zero when they find leaks).
measure() {
  local name="$1" kind="$2" report="$3" i rc count
  shift 3
  if [[ -n "${TOOLS:-}" && " $TOOLS " != *" $name "* ]]; then
    return 0
  fi
  if [[ ! -x "$1" ]] && ! command -v "$1" >/dev/null 2>&1; then
    echo "$name: $1 not found" >&2
    echo "$name n/a" >>"$results"
    return 0
  fi
  for ((i = 0; i < warmup + runs; i++)); do
    rm -f "$report"
    rc=0
    /usr/bin/time -f '%e %U %S %M' -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1 || rc=$?
    count="-"
    if { [[ "$kind" == none ]] && ((rc != 0)); } ||
      { [[ "$kind" != none ]] && ! count="$(python3 "$bench_dir/findings.py" count "$kind" "$report")"; }; then
      echo "$name: failed (exit $rc); log: $out/$name.log" >&2
      tail -n 5 "$out/$name.log" >&2
      echo "$name err" >>"$results"
      return 0
    fi
    if ((i >= warmup)); then
      echo "$name $(tail -n 1 "$out/$name.time") $count" >>"$results"
    fi
  done
  echo "$name: done" >&2
}

print_table() {
  python3 "$bench_dir/findings.py" table "$results"
  echo
  echo "reports and logs: $out"
}
