#!/usr/bin/env bash
# The leakhound GitHub Action (action.yml runs this; tests run it with a
# simulated environment). Inputs come as INPUT_* environment variables:
#   INPUT_ARGS     extra arguments for `leakhound git` (split on whitespace)
#   INPUT_CONFIG   rules file
#   INPUT_FORMAT   report format: sarif (default), json or jsonl
#   INPUT_OUTPUT   report path, relative to the workspace (default leakhound.sarif)
#   INPUT_FAIL     exit 1 when leaks are found: true/false, yes/no, on/off, 1/0
#   INPUT_VERSION  a released version to install from crates.io; empty: build
#                  the action's own source
#   INPUT_SCAN     auto (from the event), full, or a range BASE..HEAD (or BASE...HEAD)
# LEAKHOUND_BIN (the `bin` input), when set, is the binary to use (nothing is
# installed). LEAKHOUND_INSTALL_ROOT is where the binary is installed (and
# found again: action.yml caches it); default $RUNNER_TEMP/leakhound.
#
# A shallow clone is deepened (git fetch --deepen) until every commit to scan
# has its parents, so no commit is blamed for what was there before it; when
# that fails the step fails (exit 2) and says to use fetch-depth: 0.
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
root="${LEAKHOUND_INSTALL_ROOT:-$tmp/leakhound}"
depth_hint="use actions/checkout with fetch-depth: 0"

die() {
    echo "::error title=leakhound::$*"
    exit 2
}
warn() {
    echo "::warning title=leakhound::$*"
}

# 0. Inputs, checked before anything is installed or fetched.
case "$format" in
sarif | json | jsonl) ;;
text) die "format: text is not available in the action (the job summary and annotations show the findings); use sarif, json or jsonl" ;;
*) die "format: '$format' is not one of sarif, json, jsonl" ;;
esac
case "${fail,,}" in
true | yes | on | 1) fail=true ;;
false | no | off | 0) fail=false ;;
*) die "fail: '$fail' is not a boolean (true/false, yes/no, on/off, 1/0)" ;;
esac
valid_rev() { [[ -n "$1" && "$1" != *[[:space:]]* && "$1" != .* && "$1" != *. ]]; }
case "$scan" in
auto | full) ;;
*...* | *..*)
    sep=".."
    [[ "$scan" == *...* ]] && sep="..."
    valid_rev "${scan%%"$sep"*}" && valid_rev "${scan#*"$sep"}" ||
        die "scan: '$scan' is not auto, full or BASE..HEAD"
    ;;
*) die "scan: '$scan' is not auto, full or BASE..HEAD" ;;
esac

# 1. The binary: the `bin` input, else one installed by an earlier run (the
# cache), else installed now.
if [[ -n "${LEAKHOUND_BIN:-}" ]]; then
    bin="$LEAKHOUND_BIN"
elif [[ -x "$root/bin/leakhound" ]] &&
    { [[ -z "$version" ]] || "$root/bin/leakhound" --version | grep -qxF "leakhound $version"; }; then
    bin="$root/bin/leakhound"
    echo "leakhound: using $bin ($("$bin" --version))"
else
    if [[ -n "$version" ]]; then
        echo "::group::cargo install leakhound --version $version"
        cargo install --locked --force --root "$root" leakhound --version "$version"
    else
        echo "::group::cargo install --locked --path $action_path"
        cargo install --locked --force --root "$root" --path "$action_path"
    fi
    echo "::endgroup::"
    bin="$root/bin/leakhound"
fi
[[ -x "$bin" ]] || die "no leakhound binary at $bin"

cd "$workspace"

# 2. What to scan, with every commit it needs in the clone.
has_commit() { git cat-file -e "$1^{commit}" 2>/dev/null; }
is_shallow() { [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == "true" ]]; }
fetch() { git fetch --no-tags --quiet origin "$@" 2>&1; }
# COMMIT: in the clone, or fetched from origin.
ensure_commit() {
    has_commit "$1" && return 0
    local depth=()
    is_shallow && depth=(--depth=1)
    fetch "${depth[@]}" "$1" >/dev/null || return 1
    has_commit "$1"
}
# BASE HEAD: no commit of BASE..HEAD is cut off from its parents.
connected() {
    local shallow list
    shallow="$(git rev-parse --git-path shallow)"
    [[ -s "$shallow" ]] || return 0
    list="$(git rev-list "$1..$2")" || return 1
    ! grep -qxFf "$shallow" <<<"$list"
}
# BASE HEAD: deepens a shallow clone until connected BASE HEAD.
deepen() {
    local n
    for n in 50 500 5000; do
        connected "$1" "$2" && return 0
        echo "leakhound: shallow clone: git fetch --deepen=$n"
        fetch --deepen="$n" "$1" "$2" || return 1
    done
    connected "$1" "$2" && return 0
    echo "leakhound: shallow clone: git fetch --unshallow"
    fetch --unshallow "$1" "$2" || return 1
    connected "$1" "$2"
}
# BASE HEAD: sets range_args to scan what BASE..HEAD adds, or fails.
use_range() {
    ensure_commit "$1" || die "commit $1 is not in the clone and cannot be fetched; $depth_hint"
    ensure_commit "$2" || die "commit $2 is not in the clone and cannot be fetched; $depth_hint"
    deepen "$1" "$2" || die "shallow clone: cannot fetch the history of $1..$2; $depth_hint"
    range_args=(--range "$1..$2")
    description="commits $1..$2"
}
# AFTER REF DEFAULT-BRANCH: the commits AFTER (pushed to REF) adds over the
# default branch; the history of AFTER when REF is the default branch.
use_new_branch() {
    local after="$1" ref="$2" default="$3" tip="" depth=()
    if [[ -z "$default" || "$ref" == "refs/heads/$default" ]]; then
        use_history "$after"
        return
    fi
    is_shallow && depth=(--depth=1)
    tip="$(git rev-parse -q --verify "refs/remotes/origin/$default^{commit}")" ||
        { fetch "${depth[@]}" "+refs/heads/$default:refs/remotes/origin/$default" >/dev/null &&
            tip="$(git rev-parse -q --verify "refs/remotes/origin/$default^{commit}")"; } ||
        tip="$(git rev-parse -q --verify "refs/heads/$default^{commit}")" ||
        die "new branch: the default branch '$default' is not in the clone and cannot be fetched; $depth_hint"
    use_range "$tip" "$after"
    description="commits $after adds over $default ($tip..$after)"
}
# [REF]: the whole history (of REF, or of every ref), unshallowed first.
use_history() {
    if is_shallow; then
        echo "leakhound: shallow clone: git fetch --unshallow"
        fetch --unshallow ${1:+"$1"} >/dev/null || die "shallow clone: cannot fetch the full history; $depth_hint"
    fi
    if [[ -n "${1:-}" ]]; then
        range_args=(--branch "$1")
        description="the history of $1"
    else
        range_args=()
        description="the full history"
    fi
}

range_args=()
description=""
plan="full"
if [[ "$scan" == "auto" ]]; then
    plan="$(python3 "$here/github_report.py" event "$event" "${GITHUB_EVENT_PATH:-}")"
elif [[ "$scan" != "full" ]]; then
    plan="range $scan"
fi
read -r kind a b c d <<<"$plan"
case "$kind" in
range)
    if [[ "$a" == *...* ]]; then
        range_args=(--range "$a")
        description="commits $a"
        ensure_commit "${a%%...*}" && ensure_commit "${a#*...}" ||
            die "range $a: a commit is not in the clone and cannot be fetched; $depth_hint"
    elif [[ "$a" == *..* ]]; then
        use_range "$(git rev-parse -q --verify "${a%%..*}^{commit}" || echo "${a%%..*}")" \
            "$(git rev-parse -q --verify "${a#*..}^{commit}" || echo "${a#*..}")"
    else
        use_range "$a" "$b"
    fi
    ;;
push) # BEFORE AFTER REF DEFAULT-BRANCH
    if ensure_commit "$a"; then
        use_range "$a" "$b"
    else
        warn "the commit before the push ($a) is not in the clone and cannot be fetched (force push?); scanning what $b adds over the default branch"
        use_new_branch "$b" "${c#-}" "${d#-}"
    fi
    ;;
new) use_new_branch "$a" "${b#-}" "${c#-}" ;; # AFTER REF DEFAULT-BRANCH
full) use_history "" ;;
none) description="nothing (the branch was deleted)" ;;
*) die "unknown scan plan '$plan'" ;;
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

# 3. One scan, in the format asked for; the summary and annotations are
# rendered from that report.
mkdir -p "$(dirname "$output")"
status=0
if [[ "$kind" == "none" ]]; then
    "$bin" stdin --label nothing --format "$format" -o "$output" --exit-code 0 -q </dev/null || status=$?
else
    "$bin" git "$workspace" "${range_args[@]}" "${extra[@]}" --format "$format" -o "$output" --exit-code 0 || status=$?
fi
[[ -f "$output" ]] || die "leakhound failed (exit $status) and wrote no report"

# 4. Summary, annotations, outputs.
lines="$(python3 "$here/github_report.py" report "$format" "$output")"
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
[[ "$status" -eq 0 ]] || die "leakhound failed (exit $status): the report may be incomplete"
echo "leakhound: $findings leak(s) found; report: $output"
if [[ "$findings" -gt 0 && "$fail" == "true" ]]; then
    exit 1
fi
exit 0
