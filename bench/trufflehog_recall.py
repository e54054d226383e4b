#!/usr/bin/env python3
"""External recall check: token samples from trufflehog's detector tests.

Reads the `*_test.go` pattern tests under `pkg/detectors/` of a trufflehog
clone (a bare git dir; nothing of it is copied into this repository),
evaluates each test case's `input` (string literals, `+`, `fmt.Sprintf`,
package-level string vars/consts) and keeps the cases whose `want` is not
empty: those inputs hold a secret trufflehog's detector must find. Each is
written to its own file under OUT/samples/<detector>/, every tool scans the
samples directory once, and a case counts as found when a finding in its file
has a secret that is part of a wanted value (or holds one).

    bench/trufflehog_recall.py [--mirror GIT_DIR] [--out DIR] [--tools leakhound,gitleaks,...]
                               [--detectors N] [--top N] [--json FILE]

Defaults: mirror /work/.mirror/trufflesecurity+trufflehog/repo, out
/work/bench-data/th-recall, tools: leakhound plus whichever peers are found in
PEERS_BIN (default /work/main/target/peers/bin).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repo
import findings  # noqa: E402  (bench/findings.py)


def git(gd, *args):
    return subprocess.run(["git", "--git-dir", gd, *args], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")


# --- a tiny evaluator of Go string expressions ------------------------------

GO_ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'",
          "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


class Unknown(Exception):
    pass


def read_string(src, i):
    """A Go string literal at src[i]; returns (value, end)."""
    q = src[i]
    if q == "`":
        j = src.index("`", i + 1)
        return src[i + 1:j], j + 1
    if q != '"':
        raise Unknown("not a string")
    out, j = [], i + 1
    while j < len(src):
        c = src[j]
        if c == '"':
            return "".join(out), j + 1
        if c == "\n":
            raise Unknown("newline in string")
        if c == "\\":
            n = src[j + 1]
            if n in GO_ESC:
                out.append(GO_ESC[n]); j += 2
            elif n == "x":
                out.append(chr(int(src[j + 2:j + 4], 16))); j += 4
            elif n == "u":
                out.append(chr(int(src[j + 2:j + 6], 16))); j += 6
            elif n.isdigit():
                out.append(chr(int(src[j + 1:j + 4], 8))); j += 4
            else:
                raise Unknown("escape")
            continue
        out.append(c); j += 1
    raise Unknown("unterminated")


def skip_ws(src, i):
    while i < len(src):
        if src[i] in " \t\r\n":
            i += 1
        elif src.startswith("//", i):
            i = src.find("\n", i)
            i = len(src) if i < 0 else i
        else:
            break
    return i


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def go_sprintf(fmt, args):
    out, ai, i = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c); i += 1; continue
        m = re.match(r"%[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])", fmt[i:])
        if not m:
            raise Unknown("fmt")
        verb = m.group(1)
        if verb == "%":
            out.append("%")
        else:
            if ai >= len(args):
                raise Unknown("args")
            a = args[ai]; ai += 1
            out.append('"%s"' % a if verb == "q" else str(a))
        i += len(m.group(0))
    return "".join(out)


def parse_expr(src, i, env):
    """A string expression: operands joined by `+`. Returns (value, end)."""
    val, i = parse_operand(src, i, env)
    while True:
        j = skip_ws(src, i)
        if j < len(src) and src[j] == "+":
            v2, i = parse_operand(src, skip_ws(src, j + 1), env)
            val += v2
        else:
            return val, i


def parse_args(src, i, env):
    """Comma-separated expressions up to `)`; src[i] is after `(`."""
    args = []
    while True:
        i = skip_ws(src, i)
        if src[i] == ")":
            return args, i + 1
        v, i = parse_expr(src, i, env)
        args.append(v)
        i = skip_ws(src, i)
        if src[i] == ",":
            i += 1
        elif src[i] != ")":
            raise Unknown("args sep")


def parse_operand(src, i, env):
    i = skip_ws(src, i)
    c = src[i]
    if c in "\"`":
        return read_string(src, i)
    m = IDENT.match(src, i)
    if not m:
        raise Unknown("operand %r" % src[i:i + 20])
    name, j = m.group(0), m.end()
    if name in ("fmt.Sprintf", "fmt.Sprint"):
        args, j = parse_args(src, skip_ws(src, j) + 1, env)
        if name == "fmt.Sprint":
            return "".join(args), j
        return go_sprintf(args[0], args[1:]), j
    if name == "strings.Repeat":
        args, j = parse_args(src, skip_ws(src, j) + 1, env)
        raise Unknown("repeat")
    if name in env:
        return env[name], j
    raise Unknown("ident %s" % name)


def collect_env(src):
    """Package-level (and local) `name = <string expr>` / `name := ...`."""
    env = {}
    for _ in range(3):  # later definitions may use earlier ones
        for m in re.finditer(r"(?m)^[ \t]*(?:var |const )?([A-Za-z_]\w*)\s*(?:string\s*)?:?=\s*", src):
            try:
                v, _ = parse_expr(src, m.end(), env)
            except (Unknown, ValueError, IndexError):
                continue
            env.setdefault(m.group(1), v)
    return env


def parse_want(src, i, env):
    """`[]string{...}` (or nil / []string(nil)): list of values or None if unknown."""
    i = skip_ws(src, i)
    if src.startswith("nil", i) or src.startswith("[]string(nil)", i):
        return []
    if not src.startswith("[]string{", i):
        return None
    i += len("[]string{")
    out = []
    while True:
        i = skip_ws(src, i)
        if src[i] == "}":
            return out
        try:
            v, i = parse_expr(src, i, env)
        except (Unknown, ValueError, IndexError):
            return ["?"]
        out.append(v)
        i = skip_ws(src, i)
        if src[i] == ",":
            i += 1


def extract(src):
    env = collect_env(src)
    cases = []
    for m in re.finditer(r"\binput:\s*", src):
        try:
            text, end = parse_expr(src, m.end(), env)
        except (Unknown, ValueError, IndexError):
            continue
        w = re.compile(r"\bwant:\s*").search(src, end, end + 3000)
        nxt = src.find("input:", end)
        if not w or (0 <= nxt < w.start()):
            continue
        want = parse_want(src, w.end(), env)
        if not want:
            continue
        cases.append((text, want))
    return cases


def build_samples(mirror, out):
    files = [p for p in git(mirror, "ls-tree", "-r", "--name-only", "HEAD", "pkg/detectors").split("\n")
             if p.endswith("_test.go") and "integration" not in p]
    samples = os.path.join(out, "samples")
    shutil.rmtree(samples, ignore_errors=True)
    meta = {}
    for p in files:
        parts = p.split("/")
        if len(parts) < 4:
            continue
        det = parts[2] if len(parts) == 4 or not re.fullmatch(r"v\d+", parts[3]) else parts[2] + "-" + parts[3]
        src = git(mirror, "show", "HEAD:" + p)
        for n, (text, want) in enumerate(extract(src)):
            key = "%s/%s-%d.txt" % (det, os.path.basename(p)[:-8], n)
            path = os.path.join(samples, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            meta[key] = {"detector": det, "want": want}
    with open(os.path.join(out, "samples.json"), "w") as f:
        json.dump(meta, f)
    return meta


# --- running the tools ------------------------------------------------------

def run_tool(tool, exe, samples, report):
    if os.path.exists(report):
        os.remove(report)
    cmd = {
        "leakhound": [exe, "dir", samples, "--format", "json", "-o", report, "--show-secrets"],
        "gitleaks": [exe, "dir", samples, "-f", "json", "-r", report, "--no-banner"],
        "betterleaks": [exe, samples, "-o", report, "--no-banner"],
        "kingfisher": [exe, "scan", samples, "--git-history", "none", "--no-validate", "--no-update-check",
                       "--format", "json", "-o", report],
    }[tool]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        parsed = findings.parse(tool, report)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    out = {"all": defaultdict(list), "specific": defaultdict(list)}
    for f in parsed:
        rel = findings.relative(f["path"], samples)
        out["all"][rel].append(f["secret"] or "")
        if "generic" not in (f["rule"] or ""):
            out["specific"][rel].append(f["secret"] or "")
    return out


def found(secrets, want):
    if not secrets:
        return False
    if want == ["?"]:
        return True
    for s in secrets:
        s = s.strip()
        if len(s) < 6:
            continue
        for w in want:
            if s in w or (len(w) >= 6 and w in s):
                return True
            # trufflehog joins parts (key:secret, url+token): any long part
            parts = [p for p in re.split(r"[:;|,\s@/]+", w) if len(p) >= 8]
            if any(p in s or s in p for p in parts):
                return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default="/work/.mirror/trufflesecurity+trufflehog/repo")
    ap.add_argument("--out", default="/work/bench-data/th-recall")
    ap.add_argument("--tools", default=None)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--json", default=None, help="write per-detector results here")
    ap.add_argument("--reuse", action="store_true", help="keep the extracted samples")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    meta_path = os.path.join(args.out, "samples.json")
    if args.reuse and os.path.exists(meta_path):
        meta = json.load(open(meta_path))
    else:
        meta = build_samples(args.mirror, args.out)
    samples = os.path.join(args.out, "samples")
    peers = os.environ.get("PEERS_BIN", "/work/main/target/peers/bin")
    lh = os.environ.get("LEAKHOUND", os.path.join(REPO, "target/release/leakhound"))
    exes = {"leakhound": lh}
    for t in ("gitleaks", "betterleaks", "kingfisher"):
        exes[t] = os.path.join(peers, t)
    tools = args.tools.split(",") if args.tools else [t for t, e in exes.items() if os.access(e, os.X_OK)]
    dets = sorted({m["detector"] for m in meta.values()})
    print("samples: %d positive cases from %d detectors" % (len(meta), len(dets)))
    results = {}
    for t in tools:
        got = run_tool(t, exes[t], samples, os.path.join(args.out, "%s.json" % t))
        if got is None:
            print("%s: no report" % t)
            continue
        for kind in ("all", "specific"):
            per = defaultdict(lambda: [0, 0])
            for key, m in meta.items():
                per[m["detector"]][1] += 1
                if found(got[kind].get(key, []), m["want"]):
                    per[m["detector"]][0] += 1
            results[t if kind == "all" else t + "/specific"] = per
    cols = list(results)
    print("\n%-14s %8s %8s %10s" % ("tool", "cases", "found", "recall"))
    for t in cols:
        f = sum(v[0] for v in results[t].values()); n = sum(v[1] for v in results[t].values())
        dfull = sum(1 for v in results[t].values() if v[0] == v[1])
        dzero = sum(1 for v in results[t].values() if v[0] == 0)
        print("%-14s %8d %8d %9.1f%%   detectors: %d all found, %d none" % (t, n, f, 100.0 * f / n, dfull, dzero))
    if "leakhound" in results and args.top:
        lhr = results["leakhound"]
        missed = sorted((d for d in dets if lhr[d][0] < lhr[d][1]), key=lambda d: (lhr[d][0] - lhr[d][1], d))
        print("\nleakhound misses (first %d of %d detectors):" % (args.top, len(missed)))
        print("%-28s " % "detector" + " ".join("%11s" % c for c in cols))
        for d in missed[:args.top]:
            print("%-28s " % d + " ".join("%11s" % ("%d/%d" % tuple(results[c][d])) for c in cols))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({t: {d: v for d, v in r.items()} for t, r in results.items()}, f, indent=1)


if __name__ == "__main__":
    main()
