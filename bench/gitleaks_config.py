#!/usr/bin/env python3
"""Run gitleaks' own default config through gitleaks and through leakhound
(exactly, without leakhound's built-in rules) on the same directories, and
list every finding that only one of them reports.

    python3 bench/gitleaks_config.py GITLEAKS_TOML DIR [DIR...]

GITLEAKS_TOML is gitleaks' published config/gitleaks.toml (not shipped here:
take it from a gitleaks checkout). Findings are compared by (path, line,
rule id, secret). Tools: LEAKHOUND (default target/release/leakhound) and
PEERS_BIN (default target/peers/bin, from install-peers.sh).
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
        both = sum((g & l).values())
        print(f"{corpus}: gitleaks {sum(g.values())}, leakhound {sum(l.values())}, both {both}")
        for name, only in (("gitleaks", g - l), ("leakhound", l - g)):
            for (path, line, rule, secret), n in sorted(only.items()):
                shown = secret[:4] + "..." if len(secret) > 8 else "***"
                print(f"  only {name}: {path}:{line} {rule} {shown}" + (f" x{n}" if n > 1 else ""))


if __name__ == "__main__":
    main()
