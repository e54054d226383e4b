#!/usr/bin/env python3
"""Read each scanner's JSON report, and summarise benchmark runs.

    findings.py count TOOL REPORT      print the number of findings (exit 2 if unreadable;
                                       "N(incomplete)" if the tool says it stopped early)
    findings.py table RESULTS          print the Markdown table of dir.sh / git.sh
    findings.py scale RESULTS          print the Markdown table of scale.sh (ratios to the
                                       fastest peer and to the floor)

TOOL is leakhound, gitleaks, betterleaks or kingfisher. RESULTS has one line
per measured run: `TOOL WALL USER SYS MAXRSS_KB FINDINGS`, or `TOOL n/a` /
`TOOL err` for a tool that is missing or failed.
"""
import json
import os
import statistics
import sys

TOOLS = ("leakhound", "gitleaks", "betterleaks", "kingfisher")


def parse(tool, report):
    """Findings of one report as dicts {path, line, rule, secret}."""
    with open(report, encoding="utf-8") as f:
        data = json.load(f)
    out = []
    if tool == "leakhound":
        for x in data:
            out.append({"path": x.get("path"), "line": x.get("line"),
                        "rule": x.get("rule_id"), "secret": x.get("secret")})
    elif tool == "gitleaks":
        for x in data or []:
            out.append({"path": x["File"], "line": x["StartLine"],
                        "rule": x["RuleID"], "secret": x.get("Secret")})
    elif tool == "betterleaks":
        for x in data.get("findings") or []:
            loc = x.get("location", {})
            out.append({"path": loc.get("path"), "line": loc.get("start_line"),
                        "rule": x.get("rule_id"), "secret": x.get("match", {}).get("value")})
    elif tool == "kingfisher":
        for x in data.get("findings") or []:
            f = x["finding"]
            out.append({"path": f.get("path"), "line": f.get("line"),
                        "rule": x["rule"]["id"], "secret": f.get("snippet")})
    else:
        raise ValueError(f"unknown tool {tool}")
    return out


def complete(tool, report):
    """False when the report says the scan stopped early (betterleaks marks it)."""
    if tool != "betterleaks":
        return True
    with open(report, encoding="utf-8") as f:
        return json.load(f).get("scan", {}).get("state", "complete") == "complete"


def relative(path, root):
    """A reported path made relative to the scanned root (tools print it joined to the argument)."""
    if path is None:
        return None
    for prefix in (root, os.path.abspath(root), os.path.realpath(root)):
        prefix = prefix.rstrip("/") + "/"
        if path.startswith(prefix):
            return path[len(prefix):]
    if os.path.isabs(path):
        return os.path.relpath(path, os.path.abspath(root))
    return path[2:] if path.startswith("./") else path


def table(results):
    runs, status, order = {}, {}, []
    with open(results, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            tool = parts[0]
            if tool not in order:
                order.append(tool)
            if len(parts) == 2:
                status[tool] = parts[1]
            else:
                runs.setdefault(tool, []).append(parts[1:])

    def med(tool, i, conv=float):
        return statistics.median(conv(r[i]) for r in runs[tool])

    base = med("leakhound", 0) if "leakhound" in runs else None
    print("| tool | wall s | CPU s | peak RSS MB | findings | wall ratio vs leakhound |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for tool in order:
        if tool not in runs:
            s = status.get(tool, "n/a")
            print(f"| {tool} | {s} | {s} | {s} | {s} | {s} |")
            continue
        wall = med(tool, 0)
        cpu = statistics.median(float(r[1]) + float(r[2]) for r in runs[tool])
        rss = med(tool, 3) / 1024
        counts = sorted({r[4] for r in runs[tool]})
        found = "/".join(counts)  # more than one value: the tool is not deterministic
        ratio = f"{wall / base:.2f}" if base else "n/a"
        print(f"| {tool} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {found} | {ratio} |")
    n = max((len(r) for r in runs.values()), default=0)
    print(f"\nmedian of {n} run(s) each; ratio = tool wall / leakhound wall")


def scale(results):
    """The scale.sh table: each row's wall against the fastest peer and the floor."""
    runs, status, order = {}, {}, []
    with open(results, encoding="utf-8") as f:
        for parts in (line.split() for line in f):
            if not parts:
                continue
            if parts[0] not in order:
                order.append(parts[0])
            if len(parts) == 2:
                status[parts[0]] = parts[1]
            else:
                runs.setdefault(parts[0], []).append(parts[1:])
    med = {t: statistics.median(float(r[0]) for r in rs) for t, rs in runs.items()}
    peers = [t for t in ("gitleaks", "betterleaks", "kingfisher") if t in med]
    fastest = min((med[t] for t in peers), default=None)
    floor = med.get("floor")
    print("| tool | wall s | CPU s | peak RSS MB | findings | vs fastest peer | vs floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool in order:
        if tool not in runs:
            s = status.get(tool, "n/a")
            print(f"| {tool} | {s} | {s} | {s} | {s} | {s} | {s} |")
            continue
        rs = runs[tool]
        cpu = statistics.median(float(r[1]) + float(r[2]) for r in rs)
        rss = statistics.median(float(r[3]) for r in rs) / 1024
        found = "/".join(sorted({r[4] for r in rs}))
        vs_peer = f"{med[tool] / fastest:.2f}" if fastest else "n/a"
        vs_floor = f"{med[tool] / floor:.2f}" if floor else "n/a"
        print(f"| {tool} | {med[tool]:.2f} | {cpu:.2f} | {rss:.0f} | {found} | {vs_peer} | {vs_floor} |")
    n = max((len(r) for r in runs.values()), default=0)
    print(f"\nmedian of {n} run(s) each; ratios = tool wall / fastest peer wall, / floor wall")


def main(argv):
    if len(argv) == 4 and argv[1] == "count":
        try:
            n = len(parse(argv[2], argv[3]))
            print(n if complete(argv[2], argv[3]) else f"{n}(incomplete)")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            print(f"cannot read {argv[3]}: {e}", file=sys.stderr)
            return 2
        return 0
    if len(argv) == 3 and argv[1] == "table":
        table(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "scale":
        scale(argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
