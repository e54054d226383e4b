#!/usr/bin/env bash
# End-to-end tests with the real clients (run by .ci/run after cargo test):
#   - check-jsonschema validates action.yml and examples/github-workflow.yml
#     against the GitHub Actions / Workflows schemas;
#   - pre-commit validates .pre-commit-hooks.yaml, then, in a temporary
#     repository, `pre-commit try-repo` with this repository's hooks refuses
#     a staged secret (naming file, line and rule) and passes a clean change.
# pre-commit and check-jsonschema are installed into a virtualenv under
# target/venv. Needs python3, cargo and git; PyPI and crates.io reachable.
# Prints `N passed, M failed` last; exits 1 if any check failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
start=$SECONDS
passed=0
failed=0

# Not the caller's git repository or configuration (e.g. when run from a hook).
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CONFIG_PARAMETERS
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.invalid
unset LEAKHOUND_CONFIG

pass() {
    passed=$((passed + 1))
    echo "ok   $1"
}
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    if [[ -n "${2:-}" ]]; then
        sed 's/^/     | /' <<<"$2" | tail -40
    fi
}
finish() {
    echo "pre-commit.sh took $((SECONDS - start)) s"
    echo "pre-commit: $passed passed, $failed failed"
    [[ "$failed" -eq 0 ]]
    exit $?
}

# 1. The tools.
venv="$root/target/venv"
if ! "$venv/bin/pre-commit" --version >/dev/null 2>&1 ||
    ! "$venv/bin/check-jsonschema" --version >/dev/null 2>&1; then
    echo "== installing pre-commit and check-jsonschema into $venv"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" ||
        ! "$venv/bin/pip" install -q --disable-pip-version-check pre-commit check-jsonschema; then
        fail "install pre-commit and check-jsonschema"
        finish
    fi
fi
echo "== $("$venv/bin/pre-commit" --version), check-jsonschema $("$venv/bin/check-jsonschema" --version 2>&1 | awk '{print $NF}')"

# 2. Schemas.
check_schema() { # SCHEMA FILE
    local out
    if out="$("$venv/bin/check-jsonschema" --builtin-schema "$1" "$2" 2>&1)"; then
        pass "$2 validates against $1"
    else
        fail "$2 validates against $1" "$out"
    fi
}
check_schema vendor.github-actions action.yml
check_schema vendor.github-workflows examples/github-workflow.yml
if out="$("$venv/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml 2>&1)"; then
    pass ".pre-commit-hooks.yaml is a valid pre-commit manifest"
else
    fail ".pre-commit-hooks.yaml is a valid pre-commit manifest" "$out"
fi

# 3. pre-commit try-repo. A snapshot of this work tree (tracked and
# untracked files, not ignored ones) committed in a scratch repository, so
# uncommitted changes are tested too.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/leakhound-pre-commit.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
snap="$scratch/leakhound"
mkdir -p "$snap"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$snap"
git -C "$snap" init -q -b main && git -C "$snap" add -A && git -C "$snap" commit -q -m snapshot
rev="$(git -C "$snap" rev-parse HEAD)"

# pre-commit installs a `language: rust` hook with `cargo install --path .`;
# one target directory keeps the dependencies built between runs, and a
# quicker release profile keeps each install short.
export CARGO_TARGET_DIR="$root/target/pre-commit-build"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export PRE_COMMIT_HOME="$scratch/pre-commit-home"

work="$scratch/work"
git init -q -b main "$work"
cd "$work" || exit 2
echo "# demo" >README.md
git add README.md && git commit -q -m "Initial commit"

token="$(python3 - <<'PY'
import random, string, zlib
chars = string.digits + string.ascii_uppercase + string.ascii_lowercase
rng = random.Random(6)
body = "".join(rng.choice(chars) for _ in range(30))
n, sum6 = zlib.crc32(body.encode()), ""
for _ in range(6):
    sum6, n = chars[n % 62] + sum6, n // 62
print("gh" + "p_" + body + sum6)
PY
)"

try_repo() { # HOOK ARGS...
    local hook="$1"
    shift
    "$venv/bin/pre-commit" try-repo "$snap" "$hook" --ref "$rev" --color never "$@" 2>&1
}

printf 'MODE=prod\nTOKEN=%s\n' "$token" >app.env
git add app.env
t0=$SECONDS
out="$(try_repo leakhound)"
code=$?
echo "   (hook install and staged scan: $((SECONDS - t0)) s)"
if [[ $code -ne 0 && "$out" == *"app.env:2:"* && "$out" == *"github-pat"* ]]; then
    pass "try-repo leakhound refuses a staged secret, naming file, line and rule"
else
    fail "try-repo leakhound refuses a staged secret, naming file, line and rule (exit $code)" "$out"
fi
if [[ "$out" != *"$token"* ]]; then
    pass "the secret is redacted in the hook's output"
else
    fail "the secret is redacted in the hook's output" "$out"
fi

git rm -q --cached app.env && rm app.env
echo "more notes" >>README.md
git add README.md
out="$(try_repo leakhound)"
code=$?
if [[ $code -eq 0 ]]; then
    pass "try-repo leakhound passes a clean staged change"
else
    fail "try-repo leakhound passes a clean staged change (exit $code)" "$out"
fi
git commit -q -m "Notes"

printf 'TOKEN=%s\n' "$token" >leaky.txt
echo "nothing here" >clean.txt
out="$(try_repo leakhound-dir --files leaky.txt clean.txt)"
code=$?
if [[ $code -ne 0 && "$out" == *"leaky.txt:1:"* && "$out" == *"github-pat"* ]]; then
    pass "try-repo leakhound-dir reports a secret in the files it is given"
else
    fail "try-repo leakhound-dir reports a secret in the files it is given (exit $code)" "$out"
fi
out="$(try_repo leakhound-dir --files clean.txt README.md)"
code=$?
if [[ $code -eq 0 ]]; then
    pass "try-repo leakhound-dir passes clean files"
else
    fail "try-repo leakhound-dir passes clean files (exit $code)" "$out"
fi

# 4. As users install it: .pre-commit-config.yaml, `pre-commit install`, and
# real `git commit`s.
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $snap
    rev: $rev
    hooks:
      - id: leakhound
YAML
git add .pre-commit-config.yaml && git commit -q --no-verify -m "pre-commit config"
export PRE_COMMIT_HOME="$scratch/pre-commit-home-installed"
if out="$("$venv/bin/pre-commit" install 2>&1)"; then
    pass "pre-commit install"
else
    fail "pre-commit install" "$out"
fi
head="$(git rev-parse HEAD)"
git add leaky.txt
out="$(git commit -m "Add leaky.txt" 2>&1)"
code=$?
if [[ $code -ne 0 && "$(git rev-parse HEAD)" == "$head" && "$out" == *"leaky.txt:1:"* && "$out" == *"github-pat"* ]]; then
    pass "git commit of a staged secret is refused by the installed hook"
else
    fail "git commit of a staged secret is refused by the installed hook (exit $code)" "$out"
fi
git rm -q --cached leaky.txt
git add clean.txt
out="$(git commit -m "Add clean.txt" 2>&1)"
code=$?
if [[ $code -eq 0 && "$(git rev-parse HEAD)" != "$head" ]]; then
    pass "git commit of a clean change goes through the installed hook"
else
    fail "git commit of a clean change goes through the installed hook (exit $code)" "$out"
fi

finish
