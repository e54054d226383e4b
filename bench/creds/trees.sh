#!/usr/bin/env bash
# Extracts the HEAD tree of each repository of the credential sample (and of
# the language runtimes used for the noise check) under
# /work/bench-data/creds-trees/<owner+name>/. Bare git dirs are the ones
# `fetch github:OWNER/NAME` leaves under /work/.mirror/. Trees already there
# are kept.
set -euo pipefail
mirror="${MIRROR:-/work/.mirror}"
out="${TREES_DIR:-/work/bench-data/creds-trees}"
# The labelled sample: 10+ repositories of different languages.
SAMPLE_REPOS=(
  spring-projects+spring-petclinic docker+awesome-compose laravel+laravel
  nats-io+nats.go nats-io+nkeys go-sql-driver+mysql psf+requests
  sequelize+sequelize knex+knex dotnet+eShop typeorm+typeorm curl+curl
  PowerShell+PowerShell ansible-collections+community.mysql
)
# Language runtimes, for the noise check only.
RUNTIME_REPOS=(elixir-lang+elixir crystal-lang+crystal)

# Same as bench/setup.sh: snapshots lack blobs of 4 MiB and more, so archive a
# copy of the tree without them (the mirror is never written to).
extract_tree() (
  gd="$1" rev="$2" dst="$3" tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  export GIT_DIR="$gd" GIT_INDEX_FILE="$tmp/index" GIT_OBJECT_DIRECTORY="$tmp/objects"
  export GIT_ALTERNATE_OBJECT_DIRECTORIES="$gd/objects"
  mkdir -p "$tmp/objects" "$dst"
  git read-tree "$rev"
  git ls-files --format='%(objectmode) %(objectname) %(path)' >"$tmp/entries"
  awk '$1 != "160000" { print $2 }' "$tmp/entries" |
    git cat-file --batch-check | awk '$2 == "missing" { print $1 }' >"$tmp/missing"
  if [[ -s "$tmp/missing" ]]; then
    awk 'NR == FNR { gone[$1] = 1; next } $2 in gone { print substr($0, length($1 $2) + 3) }' \
      "$tmp/missing" "$tmp/entries" | git update-index --force-remove --stdin
  fi
  git archive "$(git write-tree)" | tar -x -C "$dst"
)

mkdir -p "$out/sample" "$out/runtimes"
for kind in sample runtimes; do
  if [[ $kind == sample ]]; then repos=("${SAMPLE_REPOS[@]}"); else repos=("${RUNTIME_REPOS[@]}"); fi
  for r in "${repos[@]}"; do
    dst="$out/$kind/$r"
    [[ -d "$dst" ]] && continue
    gd="$mirror/$r/repo"
    [[ -d "$gd" ]] || { echo "missing mirror $gd (fetch github:${r/+//})" >&2; continue; }
    rev="$(git --git-dir="$gd" rev-parse HEAD)"
    extract_tree "$gd" "$rev" "$dst.part"
    echo "$rev" >"$dst.part/.bench-rev"
    mv "$dst.part" "$dst"
    echo "$kind/$r $rev $(du -sm "$dst" | cut -f1) MB"
  done
done
