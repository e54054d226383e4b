#!/usr/bin/env bash
# Prepare the benchmarks: peer scanners, hyperfine, the directory corpus and
# the git repos.
#
#   bench/setup.sh [--peers-script PATH] [GIT_DIR[:TAG,TAG...]]...
#
# GIT_DIRs (bare or not) come from the arguments, else from $BENCH_REPOS
# (space separated), else the rails and cargo mirrors under /work/.mirror.
# Without explicit tags, release tags are picked newest first, one per
# major.minor series, every $TAG_STRIDE-th series (spread-out trees), taking
# one tree from each repo in turn until the corpus holds $TARGET_MB MB or
# $TARGET_FILES files. Trees go to $CORPUS_DIR/<repo>-<tag>/; existing ones
# are kept. The peers go to target/peers/bin (skipped when already there).
# Last, for git.sh: $GIT_BENCH_DIR/NAME.git and NAME-wt (see step 4 below).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers_script="${PEERS_SCRIPT:-$root/../shared/scripts/install-peers.sh}"
corpus="${CORPUS_DIR:-/work/bench-data/dir-corpus}"
target_mb="${TARGET_MB:-400}"
target_files="${TARGET_FILES:-40000}"
stride="${TAG_STRIDE:-3}"

if [[ "${1:-}" == "--peers-script" ]]; then
  peers_script="$2"
  shift 2
fi
repos=("$@")
if ((${#repos[@]} == 0)); then
  if [[ -n "${BENCH_REPOS:-}" ]]; then
    read -r -a repos <<<"$BENCH_REPOS"
  else
    for d in /work/.mirror/rails+rails/repo /work/.mirror/rust-lang+cargo/repo; do
      if [[ -d "$d" ]]; then repos+=("$d"); fi
    done
  fi
fi

# 1. peers
bin="$root/target/peers/bin"
if [[ -x "$bin/gitleaks" && -x "$bin/betterleaks" && -x "$bin/kingfisher" ]]; then
  echo "peers: already in $bin"
else
  (cd "$root" && bash "$peers_script" target/peers/bin)
fi

# 2. hyperfine, and GNU time for the peak RSS
if ! command -v hyperfine >/dev/null || [[ ! -x /usr/bin/time ]]; then
  apt-get update -qq && apt-get install -y -qq hyperfine time
fi

# 3. directory corpus
if ((${#repos[@]} == 0)); then
  echo "no git dirs given: skipping the directory corpus" >&2
  exit 0
fi

# Name of a repo: the mirror's owner+name folder, else the directory's name.
repo_name() {
  local d="${1%/}"
  [[ "$(basename "$d")" == repo ]] && d="$(dirname "$d")"
  d="$(basename "$d" .git)"
  echo "${d#*+}"
}

# Release tags to use for one repo, one per line, in the order to extract.
pick_tags() {
  local gd="$1" tags="$2"
  if [[ -n "$tags" ]]; then
    tr ',' '\n' <<<"$tags"
    return
  fi
  git --git-dir="$gd" tag -l |
    grep -E '^v?[0-9]+\.[0-9]+\.[0-9]+$' |
    sort -V -r |
    awk -F. -v s="$stride" '{ k = $1 "." $2 } !(k in seen) { seen[k] = 1; if (n++ % s == 0) print }'
}

# Extract the tree of TAG into OUT. Snapshots under /work/.mirror lack blobs of
# 4 MiB and more, which makes `git archive TAG` fail: so archive a copy of the
# tree without the absent blobs, built in a private index and object dir (the
# mirror itself is never written to).
extract_tree() (
  gd="$1" tag="$2" out="$3" tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  export GIT_DIR="$gd" GIT_INDEX_FILE="$tmp/index" GIT_OBJECT_DIRECTORY="$tmp/objects"
  export GIT_ALTERNATE_OBJECT_DIRECTORIES="$gd/objects"
  mkdir -p "$tmp/objects" "$out"
  git read-tree "$tag"
  git ls-files --format='%(objectmode) %(objectname) %(path)' >"$tmp/entries"
  awk '$1 != "160000" { print $2 }' "$tmp/entries" |
    git cat-file --batch-check | awk '$2 == "missing" { print $1 }' >"$tmp/missing"
  if [[ -s "$tmp/missing" ]]; then
    awk 'NR == FNR { gone[$1] = 1; next } $2 in gone { print substr($0, length($1 $2) + 3) }' \
      "$tmp/missing" "$tmp/entries" | tee /dev/stderr | git update-index --force-remove --stdin
  fi
  git archive "$(git write-tree)" | tar -x -C "$out"
)

corpus_mb() { find "$corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print int(s / 1e6) }'; }
corpus_files() { find "$corpus" -type f | wc -l; }

mkdir -p "$corpus"
declare -a gds names queues
for spec in "${repos[@]}"; do
  gd="$(git -C "${spec%%:*}" rev-parse --absolute-git-dir)"  # bare or not
  tags=""
  [[ "$spec" == *:* ]] && tags="${spec#*:}"
  gds+=("$gd")
  names+=("$(repo_name "${spec%%:*}")")
  queues+=("$(pick_tags "$gd" "$tags" | tr '\n' ' ')")
done

# Take one tree from each repo in turn until a target is reached.
while :; do
  mb="$(corpus_mb)" files="$(corpus_files)"
  if ((mb >= target_mb || files >= target_files)); then
    break
  fi
  progressed=0
  for i in "${!gds[@]}"; do
    read -r -a q <<<"${queues[$i]}"
    if ((${#q[@]} == 0)); then continue; fi
    tag="${q[0]}"
    queues[i]="${q[*]:1}"
    progressed=1
    out="$corpus/${names[$i]}-$tag"
    if [[ -d "$out" ]]; then
      echo "kept      $out"
      continue
    fi
    rm -rf "$out.part"
    extract_tree "${gds[$i]}" "$tag" "$out.part"
    mv "$out.part" "$out"
    echo "extracted $out"
  done
  ((progressed)) || break
done
echo "corpus: $corpus: $(corpus_files) files, $(corpus_mb) MB"

# 4. git repos for bench/git.sh: NAME.git, a mirror clone (objects hardlinked)
# in which each blob absent from the snapshot is replaced (refs/replace) by a
# placeholder blob, so that `git log -p` (gitleaks, betterleaks) does not die
# on it; and NAME-wt, a worktree for the staged benchmark.
gitdir="${GIT_BENCH_DIR:-/work/bench-data/git}"
mkdir -p "$gitdir"
for i in "${!gds[@]}"; do
  gd="${gds[$i]}" name="${names[$i]}"
  if [[ ! -d "$gitdir/$name.git" ]]; then
    git clone -q --mirror "$gd" "$gitdir/$name.git.part"
    placeholder="$(echo "placeholder: blob absent from the snapshot" |
      git --git-dir="$gitdir/$name.git.part" hash-object -w --stdin)"
    git --git-dir="$gitdir/$name.git.part" rev-list --objects --all --missing=print |
      sed -n 's/^?//p' | while read -r sha; do
        git --git-dir="$gitdir/$name.git.part" update-ref "refs/replace/$sha" "$placeholder"
      done
    mv "$gitdir/$name.git.part" "$gitdir/$name.git"
  fi
  if [[ ! -d "$gitdir/$name-wt" ]]; then
    git clone -q "$gd" "$gitdir/$name-wt"
  fi
  echo "git: $gitdir/$name.git ($(git --git-dir="$gitdir/$name.git" for-each-ref refs/replace | wc -l) absent blobs replaced), $gitdir/$name-wt"
done
