#!/usr/bin/env python3
"""Helpers for scripts/github-action.sh (stdlib only).

  github_report.py event EVENT_NAME EVENT_PATH
      Prints the scan to run for a GitHub event, one line of words:
      `range BASE HEAD` (pull request), `push BEFORE AFTER REF DEFAULT`,
      `new AFTER REF DEFAULT` (a new branch), `full` or `none` (a deleted
      branch); an unknown REF or DEFAULT is `-`.

  github_report.py report FORMAT REPORT
      Reads leakhound's report (sarif, json or jsonl); appends a Markdown
      table to $GITHUB_STEP_SUMMARY (when set), prints one `::error`
      annotation per finding on stdout and the number of findings on the
      last line. Secrets are always shown redacted.
"""

import json
import os
import sys
import urllib.parse

ZERO = "0" * 40


def event_scan(name, path):
    payload = {}
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            payload = json.load(f) or {}
    if name in ("pull_request", "pull_request_target"):
        pr = payload.get("pull_request") or {}
        base = (pr.get("base") or {}).get("sha")
        head = (pr.get("head") or {}).get("sha")
        if base and head:
            return f"range {base} {head}"
        return "full"
    if name == "push":
        before = payload.get("before") or ""
        after = payload.get("after") or ""
        ref = payload.get("ref") or "-"
        default = (payload.get("repository") or {}).get("default_branch") or "-"
        if after and set(after) == {"0"}:
            return "none"
        if not after:
            return "full"
        if not before or set(before) == {"0"}:
            return f"new {after} {ref} {default}"
        return f"push {before} {after} {ref} {default}"
    return "full"


def redact(secret):
    """leakhound's JSON is redacted already (`ghp_…(40)`); a report made with
    --show-secrets is redacted here, since summaries and logs are public."""
    if "…" in secret:
        return secret
    return f"{secret[:4]}…({len(secret)})"


def escape_data(s):
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s):
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def cell(s):
    return str(s).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def code(s):
    return "`" + cell(s).replace("`", "'") + "`"


def from_sarif(log):
    """leakhound's SARIF results as the JSON report's fields."""
    run = (log.get("runs") or [{}])[0]
    rules = (run.get("tool") or {}).get("driver", {}).get("rules") or []
    findings = []
    for r in run.get("results") or []:
        loc = ((r.get("locations") or [{}])[0]).get("physicalLocation") or {}
        region = loc.get("region") or {}
        index = r.get("ruleIndex", -1)
        rule = rules[index] if 0 <= index < len(rules) else {}
        description = (rule.get("shortDescription") or {}).get("text", "")
        text = (r.get("message") or {}).get("text", "")
        findings.append(
            {
                "rule_id": r.get("ruleId", ""),
                "description": description or r.get("ruleId", ""),
                "path": urllib.parse.unquote(
                    (loc.get("artifactLocation") or {}).get("uri", "")
                ),
                "line": region.get("startLine", 1),
                "end_line": region.get("endLine", region.get("startLine", 1)),
                "secret": text.rpartition(" found: ")[2],
                "commit": (r.get("properties") or {}).get("commit"),
            }
        )
    return findings


def load(fmt, path):
    with open(path, encoding="utf-8") as f:
        if fmt == "sarif":
            return from_sarif(json.load(f))
        if fmt == "jsonl":
            return [json.loads(line) for line in f if line.strip()]
        return json.load(f)


def report(fmt, path):
    findings = load(fmt, path)
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    default_sha = os.environ.get("GITHUB_SHA", "HEAD")
    scan = os.environ.get("LEAKHOUND_SCAN_DESCRIPTION", "")

    lines = ["## leakhound", ""]
    if scan:
        lines += [f"Scanned: {scan}.", ""]
    if not findings:
        lines.append("No leaks found.")
    else:
        n = len(findings)
        lines.append(f"**{n} leak{'s' if n != 1 else ''} found.**")
        lines += ["", "| rule | file | secret | commit |", "| --- | --- | --- | --- |"]
    for f in findings:
        rule = f.get("rule_id", "")
        file = f.get("path", "")
        line = f.get("line", 1)
        secret = redact(f.get("secret", ""))
        commit = f.get("commit") or ""
        ref = commit or default_sha
        where = f"{file}:{line}"
        if repo:
            url = (
                f"{server}/{repo}/blob/{ref}/"
                f"{urllib.parse.quote(file, safe='/')}#L{line}"
            )
            where = f"[{cell(where)}]({url})"
        else:
            where = cell(where)
        lines.append(
            f"| {cell(rule)} | {where} | {code(secret)} | "
            f"{code(commit[:12]) if commit else ''} |"
        )
        title = f"leakhound: {rule}"
        msg = f"{f.get('description', rule)}: {secret}"
        if commit:
            msg += f" (commit {commit[:12]})"
        print(
            f"::error file={escape_property(file)},line={line},"
            f"endLine={f.get('end_line', line)},title={escape_property(title)}::"
            f"{escape_data(msg)}"
        )
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
    print(len(findings))


def main(argv):
    if len(argv) == 4 and argv[1] == "event":
        print(event_scan(argv[2], argv[3]))
    elif len(argv) == 4 and argv[1] == "report":
        report(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
