#!/usr/bin/env bash
# The leakhound GitHub Action (action.yml runs this; tests run it with a
# simulated environment). Inputs come as INPUT_* environment variables:
#   INPUT_ARGS     extra arguments for `leakhound git` (split on whitespace)
#   INPUT_CONFIG   rules file
#   INPUT_FORMAT   report format (default sarif)
#   INPUT_OUTPUT   report path, relative to the workspace (default leakhound.sarif)
#   INPUT_FAIL     exit 1 when leaks are found (default true)
#   INPUT_VERSION  a released version to install from crates.io; empty: build
#                  the action's own source
#   INPUT_SCAN     auto (from the event), full, or a range BASE..HEAD
# LEAKHOUND_BIN, when set, is the binary to use (nothing is installed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
action_path="${GITHUB_ACTION_PATH:-$(dirname "$here")}"
workspace="${GITHUB_WORKSPACE:-$PWD}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
format="${INPUT_FORMAT:-sarif}"
output="${INPUT_OUTPUT:-leakhound.sarif}"
fail="${INPUT_FAIL:-true}"
version="${INPUT_VERSION:-}"
scan="${INPUT_SCAN:-auto}"
event="${GITHUB_EVENT_NAME:-}"

die() {
    echo "::error title=leakhound::$*"
    exit 2
}

# 1. The binary.
if [[ -n "${LEAKHOUND_BIN:-}" ]]; then
    bin="$LEAKHOUND_BIN"
elif [[ -n "$version" ]]; then
    echo "::group::cargo install leakhound --version $version"
    cargo install --locked --root "$tmp/leakhound" leakhound --version "$version"
    echo "::endgroup::"
    bin="$tmp/leakhound/bin/leakhound"
else
    echo "::group::cargo install --locked --path $action_path"
    cargo install --locked --root "$tmp/leakhound" --path "$action_path"
    echo "::endgroup::"
    bin="$tmp/leakhound/bin/leakhound"
fi
[[ -x "$bin" ]] || die "no leakhound binary at $bin"

cd "$workspace"

# 2. What to scan.
if [[ "$scan" == "auto" ]]; then
    scan="$(python3 "$here/github_report.py" event "$event" "${GITHUB_EVENT_PATH:-}")"
elif [[ "$scan" != "full" ]]; then
    scan="range $scan"
fi
if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null || echo false)" == "true" ]]; then
    echo "::warning title=leakhound::shallow clone: history before the clone's depth is not scanned; use actions/checkout with fetch-depth: 0"
fi
range_args=()
case "$scan" in
range\ *)
    range="${scan#range }"
    base="${range%%..*}"
    if ! git cat-file -e "${base}^{commit}" 2>/dev/null; then
        echo "::warning title=leakhound::base commit $base is not in the clone (force push or shallow clone?); scanning the full history"
        scan="full"
    else
        range_args=(--range "$range")
    fi
    ;;
esac
case "$scan" in
range\ *) description="commits ${scan#range }" ;;
full) description="the full history" ;;
none) description="nothing (the branch was deleted)" ;;
*) die "unknown scan '$scan' (auto, full or BASE..HEAD)" ;;
esac
export LEAKHOUND_SCAN_DESCRIPTION="$description"
echo "leakhound: scanning $description"

extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
    read -r -a extra <<<"$INPUT_ARGS"
fi
if [[ -n "${INPUT_CONFIG:-}" ]]; then
    extra+=(--config "$INPUT_CONFIG")
fi

# 3. The scan: JSON for the summary and annotations, then the report in the
# format asked for (from the same JSON run when that is JSON).
json="$(mktemp "$tmp/leakhound.XXXXXX")"
trap 'rm -f "$json"' EXIT
run() { # FORMAT FILE
    if [[ "$scan" == "none" ]]; then
        "$bin" stdin --label nothing --format "$1" -o "$2" --exit-code 0 -q </dev/null
    else
        "$bin" git "$workspace" "${range_args[@]}" "${extra[@]}" --format "$1" -o "$2" --exit-code 0
    fi
}
run json "$json" || die "leakhound failed (exit $?)"
mkdir -p "$(dirname "$output")"
if [[ "$format" == "json" ]]; then
    cp "$json" "$output"
else
    run "$format" "$output" || die "leakhound failed (exit $?)"
fi

# 4. Summary, annotations, outputs.
lines="$(python3 "$here/github_report.py" report "$json")"
findings="${lines##*$'\n'}"
if [[ "$lines" == *$'\n'* ]]; then
    printf '%s\n' "${lines%$'\n'*}"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    {
        echo "findings=$findings"
        echo "report=$output"
    } >>"$GITHUB_OUTPUT"
fi
echo "leakhound: $findings leak(s) found; report: $output"
if [[ "$findings" -gt 0 && "$fail" == "true" ]]; then
    exit 1
fi
exit 0
