#!/usr/bin/env python3
"""Run gitleaks' own default config through gitleaks and through leakhound
(exactly, without leakhound's built-in rules) on the same directories, and
list every finding that only one of them reports.

    python3 bench/gitleaks_config.py GITLEAKS_TOML DIR [DIR...]

GITLEAKS_TOML is gitleaks' published config/gitleaks.toml (not shipped here:
take it from a gitleaks checkout). Tools: LEAKHOUND (default
target/release/leakhound) and PEERS_BIN (default target/peers/bin, from
install-peers.sh).

Findings are matched by (path, line, rule id); where both report a place but
with different secret text (leakhound reports a secret found in an escaped
JSON string or in base64 decoded, gitleaks as written), the count is printed.
"""

import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEAKHOUND = os.environ.get("LEAKHOUND", os.path.join(ROOT, "target/release/leakhound"))
GITLEAKS = os.path.join(os.environ.get("PEERS_BIN", os.path.join(ROOT, "target/peers/bin")), "gitleaks")


def gitleaks(config, corpus, out):
    report = os.path.join(out, "gitleaks.json")
    subprocess.run(
        [GITLEAKS, "dir", ".", "--config", config, "--no-banner", "--exit-code", "0",
         "--report-format", "json", "--report-path", report],
        cwd=corpus, stderr=subprocess.DEVNULL, check=True)
    with open(report) as f:
        return collections.Counter(
            (x["File"].removeprefix("./"), x["StartLine"], x["RuleID"], x["Secret"]) for x in json.load(f))


def places(found):
    """The findings as (path, line, rule) -> secrets."""
    out = collections.defaultdict(collections.Counter)
    for (path, line, rule, secret), n in found.items():
        out[(path, line, rule)][secret] += n
    return out


def leakhound(config, corpus, out):
    exact = os.path.join(out, "exact.toml")
    with open(exact, "w") as f:
        f.write(f'[extend]\nuseDefault = false\npath = {json.dumps(config)}\n')
    report = os.path.join(out, "leakhound.json")
    subprocess.run(
        [LEAKHOUND, "dir", ".", "--config", exact, "--exit-code", "0", "--quiet",
         "--format", "json", "--show-secrets", "-o", report],
        cwd=corpus, check=True)
    with open(report) as f:
        return collections.Counter((x["path"], x["line"], x["rule_id"], x["secret"]) for x in json.load(f))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    config = os.path.abspath(sys.argv[1])
    for corpus in sys.argv[2:]:
        with tempfile.TemporaryDirectory() as out:
            g, l = gitleaks(config, corpus, out), leakhound(config, corpus, out)
        gp, lp = places(g), places(l)
        both = [k for k in gp if k in lp]
        text = sum(1 for k in both if gp[k] != lp[k])
        print(f"{corpus}: gitleaks {len(gp)}, leakhound {len(lp)} places (path, line, rule); "
              f"both {len(both)}, of which {text} with a different secret text")
        for name, mine, theirs in (("gitleaks", gp, lp), ("leakhound", lp, gp)):
            for (path, line, rule) in sorted(k for k in mine if k not in theirs):
                print(f"  only {name}: {path}:{line} {rule}")

if __name__ == "__main__":
    main()
