#!/usr/bin/env python3
"""Regenerates rules/INVENTORY.tsv: every provider the peers detect (one row
per provider, from the peers' rule lists in their public repositories, read
from bare git mirrors: file and detector names only, nothing else), the
peers that detect it, and the leakhound rules that cover it or why it is left
out. Prints the coverage table (per peer and the union).

    bench/inventory.py [--mirrors /work/.mirror] [--check]

Reasons written by hand in the `reason` column of the existing file are kept.
With --check, only prints the table for the file as it is.
"""
import argparse, csv, os, re, subprocess, sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
INV = os.path.join(REPO, "rules", "INVENTORY.tsv")
PEERS = {
    "gitleaks": ("gitleaks+gitleaks", "cmd/generate/config/rules/", ".go"),
    "betterleaks": ("betterleaks+betterleaks", "cmd/generate/config/rules/", ".go"),
    "kingfisher": ("mongodb+kingfisher", "data/rules/", ".yml"),
    "noseyparker": ("praetorian-inc+noseyparker", "crates/noseyparker/data/default/builtin/rules/", ".yml"),
    "trufflehog": ("trufflesecurity+trufflehog", "pkg/detectors/", None),
}
# Peer names for a provider that leakhound files under another name.
ALIASES = {"1password": "onepassword", "gcp": "gcp", "googlecloud": "gcp", "privatekey": "privatekey",
           "microsoftteams": "microsoftteams", "teams": "microsoftteams", "sendinblue": "brevo",
           "nexmo": "vonage", "braintree": "paypal", "artifactory": "jfrog", "jira": "atlassian",
           "confluence": "atlassian", "amazon": "aws", "jwt": "jwt", "pkcs8": "privatekey",
           "generic": "generic", "hashicorp": "vault", "terraformcloud": "terraform", "kubernetes": "kubernetes"}
SKIP = {"utils", "rule", "rules", "config", "custom_detectors", "common", "testdata", "tests", "test"}


def norm(s):
    s = re.sub(r"[^a-z0-9]", "", s.lower())
    return ALIASES.get(s, s)


def peer_providers(mirrors):
    out = defaultdict(set)
    for peer, (d, prefix, ext) in PEERS.items():
        gd = os.path.join(mirrors, d, "repo")
        if not os.path.isdir(gd):
            print(f"{peer}: no mirror at {gd}", file=sys.stderr)
            continue
        names = subprocess.run(["git", "--git-dir", gd, "ls-tree", "-r", "--name-only", "HEAD", prefix],
                               capture_output=True, text=True).stdout.split()
        for p in names:
            rest = p[len(prefix):]
            if ext is None:
                parts = rest.split("/")
                if len(parts) < 2 or not p.endswith(".go") or p.endswith("_test.go"):
                    continue
                name = parts[0]
            else:
                if "/" in rest or not rest.endswith(ext) or rest.endswith("_test.go"):
                    continue
                name = rest[: -len(ext)]
            if name.lower() in SKIP:
                continue
            out[norm(name)].add(peer)
    return out


def leakhound_rules():
    """{normalized file stem: [rule ids]}"""
    out = defaultdict(list)
    for f in sorted(os.listdir(os.path.join(REPO, "rules"))):
        if not f.endswith(".toml"):
            continue
        text = open(os.path.join(REPO, "rules", f), encoding="utf-8").read()
        out[norm(f[:-5])] += re.findall(r'(?m)^id = "([^"]+)"', text)
    return out


def match(provider, lh):
    if provider in lh:
        return lh[provider]
    # a peer's provider named with a product suffix: githubapp → github, mailgunkey → mailgun
    for stem in sorted(lh, key=len, reverse=True):
        if len(stem) >= 4 and provider.startswith(stem):
            return lh[stem]
    return []


def table(rows):
    peers = list(PEERS)
    print("| peer | providers | covered | % |")
    print("| --- | ---: | ---: | ---: |")
    for p in peers + ["union"]:
        sel = [r for r in rows if p == "union" or p in r["peers"].split(",")]
        cov = [r for r in sel if r["leakhound"]]
        pct = 100.0 * len(cov) / len(sel) if sel else 0
        print(f"| {p} | {len(sel)} | {len(cov)} | {pct:.1f} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    old = {}
    if os.path.exists(INV):
        with open(INV, encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                old[r["provider"]] = r
    if a.check:
        table(list(old.values()))
        return
    lh = leakhound_rules()
    rows = []
    for prov, peers in sorted(peer_providers(a.mirrors).items()):
        ids = match(prov, lh)
        reason = "" if ids else (old.get(prov, {}).get("reason") or
                                 "not yet: no documented format or name distinct enough to find without noise")
        rows.append({"provider": prov, "peers": ",".join(p for p in PEERS if p in peers),
                     "leakhound": " ".join(ids), "reason": reason})
    with open(INV, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["provider", "peers", "leakhound", "reason"], delimiter="\t",
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    table(rows)


if __name__ == "__main__":
    main()
