#!/usr/bin/env bash
# Builds the hostile inputs of bench/hardening.md under DIR (default
# /tmp/leakhound-hardening; about 3.5 GB of disk and a million inodes).
# Usage: bash bench/hardening-inputs.sh [DIR]
set -eu
B="${1:-/tmp/leakhound-hardening}"
mkdir -p $B/big $B/line $B/hits $B/found
# 2 GB of ordinary text lines.
[ -f $B/big/2g.txt ] || yes 'let total = compute(items, 42); // an ordinary line of code' | head -c 2G > $B/big/2g.txt
# 200 MB on one line.
[ -f $B/line/line.txt ] || { head -c 200M /dev/zero | tr '\0' 'a'; echo; } > $B/line/line.txt
# 10 million keyword hits: password=password=... (90 MB, one line).
[ -f $B/hits/hits.txt ] || { yes 'password=' | head -n 10000000 | tr -d '\n'; echo; } > $B/hits/hits.txt
# A million real findings: 1M lines of T=ghp_<36 random characters>.
[ -f $B/found/tokens.env ] || python3 - "$B/found/tokens.env" <<'PY'
import random, string, sys
r, a = random.Random(1), string.ascii_letters + string.digits
with open(sys.argv[1], "w") as f:
    for _ in range(1_000_000):
        f.write("T=ghp_" + "".join(r.choice(a) for _ in range(36)) + "\n")
PY
# A repository whose one blob inflates to 1 GiB.
if [ ! -d $B/repo ]; then
  git init -q $B/repo
  yes 'a line of a generated file that compresses very well' | head -c 1G > $B/repo/huge.txt
  echo "T=ghp_$(head -c 300 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 36)" > $B/repo/small.env
  git -C $B/repo add . && git -C $B/repo -c user.name=b -c user.email=b@x commit -qm big
  rm $B/repo/huge.txt
fi
# 1 million tiny files, 1000 per directory.
if [ ! -d $B/million ]; then
  python3 - "$B/million" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(1000):
    p = f"{root}/d{d:03}"
    os.makedirs(p)
    for f in range(1000):
        with open(f"{p}/f{f:03}.txt", "w") as fh:
            fh.write("x = 1\n")
PY
fi
