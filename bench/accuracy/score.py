#!/usr/bin/env python3
"""Score leakhound and the peers on the labelled corpus made by gen_corpus.py.

    score.py CORPUS_DIR [--out DIR] [--tools leakhound,gitleaks,...]
    score.py --noise DIR [--out DIR] [--tools ...]

Each tool scans a copy of CORPUS_DIR without labels.json (so the labels
themselves are not scanned). A finding is matched to labels by (path relative
to the corpus, line): on a line of a planted secret it is a hit, on a line of
a decoy a decoy hit, elsewhere it is unlabelled. Printed per tool: planted
secrets found, recall, decoys reported, unlabelled findings (distinct lines),
precision = hits / (hits + decoy hits + unlabelled), F1; then recall per
provider and reports per decoy category. Details (missed secrets, decoy hits,
unlabelled findings) go to OUT/details-TOOL.json.

--noise DIR runs every tool on a directory of real code (e.g. the dir-bench
corpus) and prints findings per MB.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the repo
import findings  # noqa: E402  (bench/findings.py)

PEERS = os.environ.get("PEERS_BIN", os.path.join(ROOT, "target/peers/bin"))
BINARIES = {
    "leakhound": os.environ.get("LEAKHOUND", os.path.join(ROOT, "target/release/leakhound")),
    "gitleaks": os.path.join(PEERS, "gitleaks"),
    "betterleaks": os.path.join(PEERS, "betterleaks"),
    "kingfisher": os.path.join(PEERS, "kingfisher"),
}


def command(tool, target, report):
    """The directory-scan command of each tool (see shared/scripts/install-peers.sh)."""
    exe = BINARIES[tool]
    return {
        "leakhound": [exe, "dir", target, "--format", "json", "-o", report],
        "gitleaks": [exe, "dir", target, "-f", "json", "-r", report, "--no-banner"],
        "betterleaks": [exe, target, "-o", report, "--no-banner"],
        "kingfisher": [exe, "scan", target, "--git-history", "none", "--no-validate", "--no-update-check",
                       "--format", "json", "-o", report],
    }[tool]


def run(tool, target, out):
    """Run one tool; return (findings with paths relative to target, wall seconds) or (None, error)."""
    if not os.access(BINARIES[tool], os.X_OK):
        return None, "n/a"
    report = os.path.join(out, f"{tool}.json")
    if os.path.exists(report):
        os.remove(report)
    start = time.monotonic()
    proc = subprocess.run(command(tool, target, report), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, errors="replace")
    wall = time.monotonic() - start
    try:
        found = findings.parse(tool, report)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        print(f"{tool}: failed (exit {proc.returncode}): {e}\n{proc.stderr[-1000:]}", file=sys.stderr)
        return None, "err"
    for f in found:
        f["path"] = findings.relative(f["path"], target)
    return found, wall


def score(labels, found):
    by_path = defaultdict(list)
    for i, lab in enumerate(labels):
        by_path[lab["path"]].append(i)
    hit = defaultdict(list)  # label index -> rules that reported it
    unlabelled = {}
    for f in found:
        matches = [i for i in by_path.get(f["path"], [])
                   if f["line"] is not None and labels[i]["line"] <= f["line"] <= labels[i]["end_line"]]
        matches.sort(key=lambda i: labels[i]["kind"] != "secret")
        if matches:
            hit[matches[0]].append(f["rule"])
        else:
            unlabelled.setdefault((f["path"], f["line"]), f)
    secrets = [i for i, lab in enumerate(labels) if lab["kind"] == "secret"]
    tp = sum(1 for i in secrets if i in hit)
    dh = sum(1 for i in hit if labels[i]["kind"] == "decoy")
    recall = tp / len(secrets) if secrets else 0.0
    reported = tp + dh + len(unlabelled)
    precision = tp / reported if reported else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"found": tp, "total": len(secrets), "recall": recall, "decoys": dh, "unlabelled": len(unlabelled),
            "precision": precision, "f1": f1, "hit": hit, "unlabelled_findings": list(unlabelled.values())}


def matrix(title, labels, kind, results, tools):
    """Rows: providers (or decoy categories) of kind; cells: labels reported / total."""
    totals = defaultdict(int)
    for lab in labels:
        if lab["kind"] == kind:
            totals[lab["provider"]] += 1
    print(f"\n| {title} | n | " + " | ".join(tools) + " |")
    print("| --- | ---: |" + " ---: |" * len(tools))
    for prov in sorted(totals):
        cells = []
        for t in tools:
            r = results[t]
            if isinstance(r, str):
                cells.append(r)
                continue
            n = sum(1 for i in r["hit"] if labels[i]["kind"] == kind and labels[i]["provider"] == prov)
            cells.append(str(n))
        print(f"| {prov} | {totals[prov]} | " + " | ".join(cells) + " |")


def accuracy(corpus, out, tools):
    with open(os.path.join(corpus, "labels.json"), encoding="utf-8") as f:
        labels = json.load(f)
    target = os.path.join(out, "corpus")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(corpus, target, ignore=lambda d, names: ["labels.json"] if d == corpus else [])
    results = {}
    for t in tools:
        found, wall = run(t, target, out)
        if found is None:
            results[t] = wall
            continue
        r = score(labels, found)
        results[t] = r
        with open(os.path.join(out, f"details-{t}.json"), "w", encoding="utf-8") as f:
            json.dump({
                "missed": [lab for i, lab in enumerate(labels) if lab["kind"] == "secret" and i not in r["hit"]],
                "decoy_hits": [dict(labels[i], rules=sorted(set(r["hit"][i])))
                               for i in r["hit"] if labels[i]["kind"] == "decoy"],
                "unlabelled": r["unlabelled_findings"],
            }, f, indent=1)
    n_secret = sum(1 for lab in labels if lab["kind"] == "secret")
    n_decoy = len(labels) - n_secret
    print(f"corpus: {corpus}: {n_secret} planted secrets, {n_decoy} decoys\n")
    print("| tool | planted found | recall | decoys reported | unlabelled | precision | F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in tools:
        r = results[t]
        if isinstance(r, str):
            print(f"| {t} | {r} | {r} | {r} | {r} | {r} | {r} |")
        else:
            print(f"| {t} | {r['found']}/{r['total']} | {r['recall']:.3f} | {r['decoys']}/{n_decoy} | "
                  f"{r['unlabelled']} | {r['precision']:.3f} | {r['f1']:.3f} |")
    matrix("provider (secrets found)", labels, "secret", results, tools)
    matrix("decoy category (reported)", labels, "decoy", results, tools)
    print(f"\ndetails: {out}/details-TOOL.json")


def noise(directory, out, tools):
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(directory) for n in names
               if os.path.isfile(os.path.join(d, n)) and not os.path.islink(os.path.join(d, n)))
    mb = size / 1e6
    print(f"directory: {directory}: {mb:.0f} MB\n")
    print("| tool | findings | findings per MB | distinct files | wall s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for t in tools:
        found, wall = run(t, directory, out)
        if found is None:
            print(f"| {t} | {wall} | {wall} | {wall} | {wall} |")
            continue
        files = len({f["path"] for f in found})
        print(f"| {t} | {len(found)} | {len(found) / mb:.2f} | {files} | {wall:.1f} |")
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?")
    ap.add_argument("--noise", metavar="DIR")
    ap.add_argument("--out", default="/work/bench-data/results/accuracy")
    ap.add_argument("--tools", default=",".join(BINARIES))
    a = ap.parse_args()
    tools = a.tools.split(",")
    if set(tools) - set(BINARIES):
        ap.error(f"unknown tool(s): {', '.join(sorted(set(tools) - set(BINARIES)))}")
    if not a.corpus and not a.noise:
        ap.error("give CORPUS_DIR or --noise DIR")
    os.makedirs(a.out, exist_ok=True)
    if a.corpus:
        accuracy(os.path.abspath(a.corpus), a.out, tools)
    if a.noise:
        os.makedirs(os.path.join(a.out, "noise"), exist_ok=True)
        noise(a.noise, os.path.join(a.out, "noise"), tools)


if __name__ == "__main__":
    main()
