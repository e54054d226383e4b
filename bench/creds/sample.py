#!/usr/bin/env python3
"""A hand-labelled sample of credential candidates from real repositories.

    sample.py candidates   run the tools on each tree, grep credential-like
                           lines, write the candidate list (CANDIDATES)
    sample.py show [--unlabelled]   print candidates for labelling
    sample.py score        recall / precision / F1 of each tool on the labels
    sample.py noise DIR... findings of each tool on real code (same run)

Trees: bench/creds/trees.sh extracts them under TREES (default
/work/bench-data/creds-trees/sample/<owner+name>/). A candidate is a line
(repo, path, line): the lines leakhound (old and new), gitleaks or
betterleaks report (up to TOOL_PER_REPO per tool and repository, drawn with
a fixed seed), plus a seeded random sample of up to GREP_PER_REPO lines
per repository that grep finds with a password / secret / token / auth key,
a URL with user:password@, or a credential-taking command. Labels live
outside the repository, in LABELS (default
/work/bench-data/labelled/labels.tsv): one line per candidate,
`repo<TAB>path<TAB>line<TAB>label<TAB>note`, label 1 when the line holds a
credential value (a dev or test one included), 0 for a placeholder, a
variable, code or anything else. A label is kept only while the line's text
hash (column 6, written by `show`) still matches.

A tool hits a labelled line when it reports a finding on it. Recall = hits on
positive lines / positive lines; precision = hits on positive lines / labelled
lines it reports.
"""
import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True
import findings  # noqa: E402  (bench/findings.py)

TREES = os.environ.get("TREES", "/work/bench-data/creds-trees/sample")
DATA = os.environ.get("DATA", "/work/bench-data/labelled")
CANDIDATES = os.path.join(DATA, "candidates.jsonl")
LABELS = os.environ.get("LABELS", os.path.join(DATA, "labels.tsv"))
GREP_PER_REPO = int(os.environ.get("GREP_PER_REPO", "20"))
# A tool reporting thousands of lines in one repository (PowerShell's .NET
# PublicKeyToken values) would swamp the sample: at most this many of its
# lines per repository are drawn (seeded); the line's sources still name every
# tool that reports it.
TOOL_PER_REPO = int(os.environ.get("TOOL_PER_REPO", "40"))
PEERS = os.environ.get("PEERS_BIN", os.path.join(ROOT, "target/peers/bin"))
TOOLS = {
    "leakhound-old": os.environ.get("LEAKHOUND_OLD", "/tmp/lh-old"),
    "leakhound": os.environ.get("LEAKHOUND", os.path.join(ROOT, "target/release/leakhound")),
    # the same binary with generic findings in test code reported too
    "leakhound-very-low": os.environ.get("LEAKHOUND", os.path.join(ROOT, "target/release/leakhound")),
    "gitleaks": os.path.join(PEERS, "gitleaks"),
    "betterleaks": os.path.join(PEERS, "betterleaks"),
}

# Lines worth a look: a credential-like key with a value, a URL with
# user:password@, a credential-taking command or SQL.
GREP = re.compile(
    r"(?i)(?:(?:passw(?:or)?d|passwd|\bpwd|passphrase|secret|token|\bauth\w*|api[_-]?key|credentials?)"
    r"[\"'\]]?\s*(?::=|=>|=|:)\s*\S"
    r"|[a-z][a-z0-9+.-]{1,20}://[^\s/@:]+:[^\s/@]+@"
    r"|identified\s+by|\bsshpass\b|\bnet\s+use\b|convertto-securestring|\bbasic\s+[a-z0-9+/]{8,}"
    r"|\bbearer\s+[a-z0-9._-]{8,}|\s-p[^\s-]|--password)"
)
SKIP_DIRS = {".git", "node_modules", "vendor"}


def tool_kind(tool):
    return "leakhound" if tool.startswith("leakhound") else tool


def command(tool, target, report):
    exe = TOOLS[tool]
    return {
        "leakhound": [exe, "dir", target, "--format", "json", "-o", report]
        + (["--min-confidence", "very-low"] if tool.endswith("very-low") else []),
        "gitleaks": [exe, "dir", target, "-f", "json", "-r", report, "--no-banner"],
        "betterleaks": [exe, target, "-o", report, "--no-banner"],
    }[tool_kind(tool)]


def scan(tool, target, report):
    """Findings of one tool on target, run from inside it (paths relative to
    the tree, as a user scanning their checkout would see them)."""
    report = os.path.abspath(report)
    if os.path.exists(report):
        os.remove(report)
    subprocess.run(command(tool, ".", report), cwd=target, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return findings.parse(tool_kind(tool), report)


def run(tool, target, out, reuse=False):
    """(path, line) pairs a tool reports on target, paths relative to it
    (with `reuse`, read from the report an earlier run left)."""
    report = os.path.join(out, f"{tool}.json")
    if reuse and os.path.exists(report):
        found = findings.parse(tool_kind(tool), report)
    else:
        found = scan(tool, target, report)
    return {(findings.relative(f["path"], "."), f["line"]) for f in found}


def repos():
    return sorted(d for d in os.listdir(TREES) if os.path.isdir(os.path.join(TREES, d)))


def read_line(repo, path, line):
    try:
        with open(os.path.join(TREES, repo, path), "rb") as f:
            for i, raw in enumerate(f, 1):
                if i == line:
                    return raw.decode("utf-8", "replace").rstrip("\r\n")
    except OSError:
        pass
    return ""


def text_hash(text):
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def grep_lines(repo):
    root = os.path.join(TREES, repo)
    hits = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.islink(p) or os.path.getsize(p) > 1_000_000:
                continue
            with open(p, "rb") as f:
                data = f.read()
            if b"\0" in data[:4096]:
                continue
            rel = os.path.relpath(p, root)
            for i, raw in enumerate(data.split(b"\n"), 1):
                if len(raw) < 400 and GREP.search(raw.decode("utf-8", "replace")):
                    hits.append((rel, i))
    rng = random.Random(f"leakhound-creds-{repo}")
    return rng.sample(hits, min(GREP_PER_REPO, len(hits)))


def cmd_candidates(a):
    os.makedirs(DATA, exist_ok=True)
    cands = {}
    for repo in repos():
        out = os.path.join(DATA, "reports", repo)
        os.makedirs(out, exist_ok=True)
        reported = defaultdict(set)  # (path, line) -> tools
        for tool in TOOLS:
            for key in run(tool, os.path.join(TREES, repo), out, tool in a.reuse.split(",")):
                reported[key].add(tool)
        chosen = set()
        for tool in TOOLS:
            mine = sorted(k for k, ts in reported.items() if tool in ts)
            rng = random.Random(f"leakhound-creds-{repo}-{tool}")
            chosen.update(rng.sample(mine, min(TOOL_PER_REPO, len(mine))))
        for key in chosen:
            cands[(repo, *key)] = set(reported[key])
        for path, line in grep_lines(repo):
            cands.setdefault((repo, path, line), set(reported.get((path, line), ()))).add("grep")
    with open(CANDIDATES, "w") as f:
        for (repo, path, line), src in sorted(cands.items()):
            f.write(json.dumps({"repo": repo, "path": path, "line": line, "sources": sorted(src)}) + "\n")
    per = defaultdict(int)
    for src in cands.values():
        for s in src:
            per[s] += 1
    print(f"{len(cands)} candidates; per source: {dict(sorted(per.items()))}")


def load_candidates():
    with open(CANDIDATES) as f:
        return [json.loads(x) for x in f]


def load_labels():
    labels = {}
    if os.path.exists(LABELS):
        with open(LABELS) as f:
            for row in f:
                parts = row.rstrip("\n").split("\t")
                if len(parts) >= 6 and parts[3] in ("0", "1"):
                    labels[(parts[0], parts[1], int(parts[2]))] = (int(parts[3]), parts[5])
    return labels


def cmd_show(a):
    labels = load_labels()
    for c in load_candidates():
        key = (c["repo"], c["path"], c["line"])
        text = read_line(*key)
        have = labels.get(key)
        if a.unlabelled and have and have[1] == text_hash(text):
            continue
        print("\t".join([c["repo"], c["path"], str(c["line"]), "?", ",".join(c["sources"]), text_hash(text),
                         text.strip()[:300]]))


def cmd_score(a):
    labels = load_labels()
    cands = load_candidates()
    rows = []
    positives = 0
    labelled = 0
    missing = 0
    stats = {t: [0, 0] for t in TOOLS}  # tool -> [tp, fp]
    for c in cands:
        key = (c["repo"], c["path"], c["line"])
        lab = labels.get(key)
        if lab is None or lab[1] != text_hash(read_line(*key)):
            missing += 1
            continue
        labelled += 1
        positives += lab[0]
        for t in TOOLS:
            if t in c["sources"]:
                stats[t][0 if lab[0] else 1] += 1
    print(f"labelled candidates: {labelled} ({positives} credentials, {labelled - positives} not); "
          f"unlabelled: {missing}; repositories: {len(repos())}\n")
    print("| tool | reported (labelled) | TP | FP | FN | recall | precision | F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t, (tp, fp) in stats.items():
        rec = tp / positives if positives else 0
        prec = tp / (tp + fp) if tp + fp else 0
        f1 = 2 * rec * prec / (rec + prec) if rec + prec else 0
        rows.append((t, tp, fp))
        print(f"| {t} | {tp + fp} | {tp} | {fp} | {positives - tp} | {rec:.3f} | {prec:.3f} | {f1:.3f} |")
    if a.details:
        for c in cands:
            key = (c["repo"], c["path"], c["line"])
            lab = labels.get(key)
            if not lab:
                continue
            got = a.details in c["sources"]
            if got != bool(lab[0]):
                kind = "FP" if got else "FN"
                print(f"{kind}\t{c['repo']}\t{c['path']}:{c['line']}\t{read_line(*key).strip()[:200]}")


def cmd_noise(a):
    tools = a.tools.split(",") if a.tools else list(TOOLS)
    print("| tree | MB | " + " | ".join(tools) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in tools) + " |")
    totals = defaultdict(int)
    for d in a.dirs:
        size = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(d) for n in ns
                   if os.path.isfile(os.path.join(r, n)) and not os.path.islink(os.path.join(r, n)))
        out = os.path.join(DATA, "noise", os.path.basename(d.rstrip("/")))
        os.makedirs(out, exist_ok=True)
        counts = []
        for t in tools:
            n = len(scan(t, d, os.path.join(out, f"{t}.json")))
            totals[t] += n
            counts.append(str(n))
        print(f"| {os.path.basename(d.rstrip('/'))} | {size / 1e6:.0f} | " + " | ".join(counts) + " |")
        sys.stdout.flush()
    print("| total | | " + " | ".join(str(totals[t]) for t in tools) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("candidates")
    s.add_argument("--reuse", default="", metavar="TOOLS",
                   help="read these tools' reports from the last run instead of running them")
    s = sub.add_parser("show")
    s.add_argument("--unlabelled", action="store_true")
    s = sub.add_parser("score")
    s.add_argument("--details", metavar="TOOL", help="print that tool's false positives and misses")
    s = sub.add_parser("noise")
    s.add_argument("dirs", nargs="+")
    s.add_argument("--tools", help="comma-separated subset of " + ",".join(TOOLS))
    a = ap.parse_args()
    {"candidates": cmd_candidates, "show": cmd_show, "score": cmd_score, "noise": cmd_noise}[a.cmd](a)


if __name__ == "__main__":
    main()
