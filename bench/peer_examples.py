#!/usr/bin/env python3
"""External check: the example secrets in Kingfisher's and Nosey Parker's rule files.

Both peers publish their rules as YAML with `examples` (text the rule must
match) and, for some, `negative_examples` (text it must not). This script reads
them from bare mirrors (nothing of them is copied into this repository), writes
each example to its own file under OUT/pos/<peer>/<rule>/ or OUT/neg/..., runs
every tool once on each side, and reports recall (positive files with a
finding) per tool and per peer's set, and how many negative files it reports.
A peer's negatives are negative for one rule only (a Slack bot token is a
negative example of the Slack user-token rule), so many are real secrets:
the count is a pointer for reading, not a precision. Examples of rules that describe identifiers rather than
secrets (Nosey Parker's `categories: [identifier]` without `secret`,
Kingfisher's `visible: false` helper rules) are left out of the positives.

    bench/peer_examples.py [--mirrors /work/.mirror] [--out DIR] [--tools leakhound,gitleaks,...]
                           [--misses TOOL]

Tools: LEAKHOUND (default target/release/leakhound) plus the peers found in
PEERS_BIN (default /work/main/target/peers/bin), run as in trufflehog_recall.py.
"""

import argparse
import os
import shutil
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repo
from trufflehog_recall import run_tool  # noqa: E402

SETS = {
    "kingfisher": ("mongodb+kingfisher", "data/rules/"),
    "noseyparker": ("praetorian-inc+noseyparker", "crates/noseyparker/data/default/builtin/rules/"),
}


def git(gd, *args):
    return subprocess.run(["git", "--git-dir", gd, *args], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")


def is_secret_rule(rule):
    if rule.get("visible") is False:
        return False
    cats = rule.get("categories") or []
    return not ("identifier" in cats and "secret" not in cats)


def extract(mirrors, out):
    """Writes the example files; returns {side: {peer: [(rule_id, rel_path)]}}."""
    for side in ("pos", "neg"):
        shutil.rmtree(os.path.join(out, side), ignore_errors=True)
    cases = {"pos": {}, "neg": {}}
    for peer, (mirror, prefix) in SETS.items():
        gd = os.path.join(mirrors, mirror, "repo")
        if not os.path.isdir(gd):
            print(f"{peer}: no mirror at {gd}", file=sys.stderr)
            continue
        for side in cases:
            cases[side][peer] = []
        for path in git(gd, "ls-tree", "-r", "--name-only", "HEAD", prefix).split("\n"):
            if not path.endswith((".yml", ".yaml")):
                continue
            try:
                doc = yaml.safe_load(git(gd, "show", "HEAD:" + path))
            except yaml.YAMLError:
                continue
            for rule in (doc or {}).get("rules") or []:
                rid = str(rule.get("id") or rule.get("name"))
                sides = [("neg", rule.get("negative_examples") or [])]
                if is_secret_rule(rule):
                    sides.append(("pos", rule.get("examples") or []))
                for side, examples in sides:
                    for n, text in enumerate(examples):
                        rel = os.path.join(peer, rid.replace("/", "_"), f"{n}.txt")
                        dst = os.path.join(out, side, rel)
                        os.makedirs(os.path.dirname(dst), exist_ok=True)
                        with open(dst, "w") as f:
                            f.write(str(text) if str(text).endswith("\n") else f"{text}\n")
                        cases[side][peer].append((rid, rel))
    return cases


def score(cases, out, tools, misses=None, noun="examples"):
    """Runs each tool once on OUT/pos and OUT/neg; prints recall, the rules
    whose every positive is found, and the negatives reported, per set (and,
    for the tool `misses` names, each missed positive and reported negative)."""
    peers_bin = os.environ.get("PEERS_BIN", "/work/main/target/peers/bin")
    exes = {"leakhound": os.environ.get("LEAKHOUND", os.path.join(REPO, "target/release/leakhound"))}
    for t in ("gitleaks", "betterleaks", "kingfisher"):
        exes[t] = os.path.join(peers_bin, t)
    tools = tools.split(",") if tools else [t for t, e in exes.items() if os.access(e, os.X_OK)]
    for peer in cases["pos"]:
        print(f"{peer}: {len(cases['pos'][peer])} positive {noun} "
              f"({len({r for r, _ in cases['pos'][peer]})} rules), {len(cases['neg'][peer])} negative")
    print("\n| tool | set | recall | rules fully found | negatives reported |")
    print("| --- | --- | ---: | ---: | ---: |")
    for tool in tools:
        hits = {}
        for side in ("pos", "neg"):
            got = run_tool(tool, exes[tool], os.path.join(out, side), os.path.join(out, f"{tool}-{side}.json"))
            hits[side] = set(got["all"]) if got else None
        if hits["pos"] is None or hits["neg"] is None:
            print(f"| {tool} | - | err | | |")
            continue
        for peer in cases["pos"]:
            pos, neg = cases["pos"][peer], cases["neg"][peer]
            tp = sum(1 for _, rel in pos if rel in hits["pos"])
            fp = sum(1 for _, rel in neg if rel in hits["neg"])
            rules = {r for r, _ in pos}
            full = sum(1 for r in rules if all(rel in hits["pos"] for q, rel in pos if q == r))
            rec = tp / len(pos) if pos else 0
            print(f"| {tool} | {peer} | {tp}/{len(pos)} = {rec:.3f} | {full}/{len(rules)} | {fp}/{len(neg)} |")
        if tool == misses:
            for peer in cases["pos"]:
                for _, rel in cases["pos"][peer]:
                    if rel not in hits["pos"]:
                        print(f"MISS\t{rel}")
                for _, rel in cases["neg"][peer]:
                    if rel in hits["neg"]:
                        print(f"NEG\t{rel}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--out", default="/work/bench-data/peer-examples")
    ap.add_argument("--tools", default=None)
    ap.add_argument("--misses", metavar="TOOL", help="list that tool's missed positives (MISS) and reported negatives (NEG)")
    a = ap.parse_args()
    score(extract(a.mirrors, a.out), a.out, a.tools, a.misses)


if __name__ == "__main__":
    main()
