#!/usr/bin/env python3
"""External check: the test samples gitleaks and betterleaks build for their rules.

Both peers generate their default config from Go files
(`cmd/generate/config/rules/*.go`); each rule there validates itself on true
positives (`tps`) and false positives (`fps`). Most positives come from
`utils.GenerateSampleSecrets(identifier, secret)`, which writes one secret in
some twenty-five syntaxes (INI, JSON, XML, YAML, Go, Java, PHP `.=`, make's
`::=`, ...), with `secrets.NewSecret(regex)` drawing a random secret from a
regex. This script reads those files from bare mirrors (nothing of them is
copied into this repository), evaluates the string expressions it can
(literals, `+`, `secrets.NewSecret(...)` with the peer's own pattern helpers,
`GenerateSampleSecrets` with the peer's own templates, read from its
`utils/generate.go`), draws the random parts with a fixed seed, writes each
sample to its own file under OUT/pos/<peer>/<rule>/ or OUT/neg/..., runs
every tool once per side and reports recall (positive files with a finding)
and the negatives reported. A peer's negatives are negative for its one rule
(some are secrets of another kind), so that count is a pointer for reading.

    bench/gitleaks_samples.py [--mirrors /work/.mirror] [--out DIR] [--tools leakhound,gitleaks,...]
                              [--seed N] [--misses TOOL]

Tools: LEAKHOUND (default target/release/leakhound) plus the peers found in
PEERS_BIN (default /work/main/target/peers/bin), run as in trufflehog_recall.py.
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repo
from peer_examples import score  # noqa: E402
from trufflehog_recall import IDENT, Unknown, read_string, skip_ws  # noqa: E402

try:
    import re._parser as sre  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_parse as sre

PEERS = {
    "gitleaks": "gitleaks+gitleaks",
    "betterleaks": "betterleaks+betterleaks",
}
RULES = "cmd/generate/config/rules/"
UTILS = "cmd/generate/config/utils/"


def git(gd, *args):
    return subprocess.run(["git", "--git-dir", gd, *args], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")


# --- drawing a random string from a regex -----------------------------------

PRINTABLE = [chr(c) for c in range(0x21, 0x7F)]
CATEGORY = {
    sre.CATEGORY_DIGIT: "0123456789",
    sre.CATEGORY_WORD: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    sre.CATEGORY_SPACE: " ",
}
POSIX = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "digit": "0-9", "lower": "a-z",
         "upper": "A-Z", "xdigit": "0-9a-fA-F", "punct": "!-/:-@\\[-`{-~", "space": " \\t"}


def go_to_python(rx):
    rx = re.sub(r"\[:(\w+):\]", lambda m: POSIX.get(m.group(1), m.group(0)), rx)
    return rx.replace(r"\z", r"\Z").replace("(?-i:", "(?:")


def draw(rx, rng):
    return "".join(_draw(sre.parse(go_to_python(rx)), rng))


def _class(items):
    chars, negate = set(), False
    for op, av in items:
        if op == sre.NEGATE:
            negate = True
        elif op == sre.LITERAL:
            chars.add(chr(av))
        elif op == sre.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op == sre.CATEGORY:
            chars.update(CATEGORY.get(av, ""))
    if negate:
        chars = set(PRINTABLE) - chars
    return sorted(chars) or ["x"]


def _draw(parsed, rng):
    out = []
    for op, av in parsed:
        if op == sre.LITERAL:
            out.append(chr(av))
        elif op == sre.NOT_LITERAL:
            out.append(rng.choice([c for c in PRINTABLE if ord(c) != av]))
        elif op == sre.ANY:
            out.append(rng.choice(PRINTABLE))
        elif op == sre.IN:
            out.append(rng.choice(_class(av)))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            lo, hi, sub = av
            hi = lo + 8 if hi == sre.MAXREPEAT else hi
            for _ in range(rng.randint(lo, hi)):
                out.extend(_draw(sub, rng))
        elif op == sre.BRANCH:
            out.extend(_draw(rng.choice(av[1]), rng))
        elif op == sre.SUBPATTERN:
            out.extend(_draw(av[-1], rng))
        elif op == sre.CATEGORY:
            out.append(rng.choice(CATEGORY.get(av, "x")))
        # anchors and look-arounds draw nothing
    return out


# --- the peer's own helpers and templates ------------------------------------

def pattern_helpers(src):
    """`func Name(size string) string { return fmt.Sprintf(`...%s...`, size) }`
    and argument-less `func Name() string { return `...` }`: name -> (fmt, takes_size)."""
    helpers = {}
    for m in re.finditer(r"func (\w+)\((\w+ string)?\) string \{\s*return (fmt\.Sprintf\()?", src):
        try:
            value, _ = read_string(src, skip_ws(src, m.end()))
        except (Unknown, ValueError, IndexError):
            continue
        helpers[m.group(1)] = (value, bool(m.group(2)))
    return helpers


def templates(src):
    """The syntaxes of `GenerateSampleSecrets`: the values of its `samples` map."""
    start = src.find("samples := map[string]string{")
    if start < 0:
        return []
    end = src.find("\n\t}", start)
    out = []
    for m in re.finditer(r'(?m)^[ \t]*"[^"\n]*":[ \t]*', src[start:end]):
        try:
            value, _ = read_string(src[start:end], m.end())
        except (Unknown, ValueError, IndexError):
            continue
        out.append(value)
    return out


class Evaluator:
    """Go string expressions of a rule file, with random parts drawn from `rng`."""

    def __init__(self, helpers, syntaxes, rng):
        self.helpers, self.syntaxes, self.rng = helpers, syntaxes, rng
        self.env = {}

    def expr(self, src, i):
        """Operands joined by `+`; a list when a call yields many samples."""
        val, i = self.operand(src, i)
        while True:
            j = skip_ws(src, i)
            if j < len(src) and src[j] == "+" and isinstance(val, str):
                v2, i = self.operand(src, skip_ws(src, j + 1))
                if not isinstance(v2, str):
                    raise Unknown("list in +")
                val += v2
            else:
                return val, i

    def args(self, src, i):
        out = []
        while True:
            i = skip_ws(src, i)
            if src[i] == ")":
                return out, i + 1
            v, i = self.expr(src, i)
            out.append(v)
            i = skip_ws(src, i)
            if src[i] == ",":
                i += 1
            elif src[i] != ")":
                raise Unknown("args")

    def operand(self, src, i):
        i = skip_ws(src, i)
        if src[i] in "\"`":
            return read_string(src, i)
        m = IDENT.match(src, i)
        if not m:
            raise Unknown("operand")
        name, j = m.group(0), m.end()
        if j < len(src) and src[j] == "(":
            args, j = self.args(src, j + 1)
            return self.call(name, args), j
        if name in self.env:
            return self.env[name], j
        raise Unknown("ident " + name)

    def call(self, name, args):
        short = name.split(".")[-1]
        if short == "NewSecret" and len(args) == 1 and isinstance(args[0], str):
            return draw(args[0], self.rng)
        if short in ("GenerateSampleSecrets", "GenerateSampleSecret") and len(args) == 2:
            ident, secret = args
            fill = lambda t: t.replace("{i}", ident).replace("{I}", ident.upper()).replace("{s}", secret)
            if short == "GenerateSampleSecret":
                return f'{ident}_api_token = "{secret}"'
            return [fill(t) for t in self.syntaxes]
        if short in self.helpers:
            value, takes_size = self.helpers[short]
            if takes_size:
                if len(args) != 1:
                    raise Unknown("helper args")
                return value.replace("%s", str(args[0]))
            return value
        if short == "ToUpper" and len(args) == 1:
            return args[0].upper()
        if short == "Repeat" and len(args) == 2:
            raise Unknown("repeat")
        raise Unknown("call " + name)


def samples_of(src, ev, side):
    """Positive (`tps`) or negative (`fps`) samples of one rule file."""
    var = {"pos": "tps", "neg": "fps"}[side]
    out = []
    # tps := utils.GenerateSampleSecrets(...) / tps = append(tps, X...) / tps := []string{...}
    for m in re.finditer(r"\b%s\s*:?=\s*" % var, src):
        i = m.end()
        try:
            if src.startswith("[]string{", i):
                i += len("[]string{")
                while True:
                    i = skip_ws(src, i)
                    if src[i] == "}":
                        break
                    try:
                        v, i = ev.expr(src, i)
                        out.extend(v if isinstance(v, list) else [v])
                    except (Unknown, ValueError, IndexError):
                        # skip this element
                        depth, k = 0, i
                        while k < len(src) and not (depth == 0 and src[k] in ",}"):
                            depth += src[k] in "({[" and 1 or src[k] in ")}]" and -1 or 0
                            k += 1
                        i = k
                    i = skip_ws(src, i)
                    if src[i] == ",":
                        i += 1
            elif src.startswith("append(%s," % var, i):
                args, _ = ev.args(src, i + len("append("))
                for v in args[1:]:
                    out.extend(v if isinstance(v, list) else [v])
            else:
                v, _ = ev.expr(src, i)
                out.extend(v if isinstance(v, list) else [v])
        except (Unknown, ValueError, IndexError):
            continue
    return [s for s in out if isinstance(s, str) and s.strip()]


def extract(mirrors, out, seed):
    """Writes the sample files; returns {side: {peer: [(rule, rel_path)]}}."""
    for side in ("pos", "neg"):
        shutil.rmtree(os.path.join(out, side), ignore_errors=True)
    cases = {"pos": {}, "neg": {}}
    for peer, mirror in PEERS.items():
        gd = os.path.join(mirrors, mirror, "repo")
        if not os.path.isdir(gd):
            print(f"{peer}: no mirror at {gd}", file=sys.stderr)
            continue
        helpers = pattern_helpers(git(gd, "show", f"HEAD:{UTILS}patterns.go"))
        syntaxes = templates(git(gd, "show", f"HEAD:{UTILS}generate.go"))
        rng = random.Random(seed)
        for side in cases:
            cases[side][peer] = []
        for path in sorted(git(gd, "ls-tree", "-r", "--name-only", "HEAD", RULES).split("\n")):
            if not path.endswith(".go") or path.endswith("_test.go"):
                continue
            src = git(gd, "show", "HEAD:" + path)
            # one file may define several rules: split at each function
            for fn in re.split(r"(?m)^func ", src)[1:]:
                rid = re.search(r'RuleID:\s*"([^"]+)"', fn)
                if not rid:
                    continue
                rid = rid.group(1)
                ev = Evaluator(helpers, syntaxes, rng)
                for side in ("pos", "neg"):
                    for n, text in enumerate(dict.fromkeys(samples_of(fn, ev, side))):
                        rel = os.path.join(peer, rid, f"{n}.txt")
                        dst = os.path.join(out, side, rel)
                        os.makedirs(os.path.dirname(dst), exist_ok=True)
                        with open(dst, "w") as f:
                            f.write(text if text.endswith("\n") else text + "\n")
                        cases[side][peer].append((rid, rel))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--out", default="/work/bench-data/gitleaks-samples")
    ap.add_argument("--tools", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--misses", metavar="TOOL", help="list that tool's missed positives (MISS) and reported negatives (NEG)")
    a = ap.parse_args()
    score(extract(a.mirrors, a.out, a.seed), a.out, a.tools, a.misses, noun="samples")


if __name__ == "__main__":
    main()
