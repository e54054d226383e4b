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
# Peer names for a provider whose credential leakhound finds with rules filed
# elsewhere (checked by hand: the rule detects that provider's credential).
JWT = ["jwt-token"]
URL_CREDENTIALS = ["generic-url-credentials"]
PRIVATE_KEYS = ["private-key-rsa", "private-key-pkcs8", "private-key-pkcs8-encrypted", "private-key-ec",
                "private-key-dsa", "private-key-openssh", "private-key-base64-pem"]
RULE_ALIASES = {
    # a database connection string or URL with its password
    "mongodb": ["database-mongodb-url"], "mongo": ["database-mongodb-url"],
    "postgres": ["database-postgres-url"], "redis": ["database-redis-url"], "rabbitmq": ["database-amqp-url"],
    "sqlserver": ["database-mssql-url", "generic-connection-string"], "jdbc": ["database-jdbc-password"],
    "odbc": ["generic-connection-string"],
    # credentials in a URL, a curl command or an HTTP auth header
    "ftp": URL_CREDENTIALS, "uri": URL_CREDENTIALS, "credentials": URL_CREDENTIALS,
    "ldap": URL_CREDENTIALS + ["generic-password"],
    "curl": ["generic-curl-credentials", "generic-bearer-token"],
    "http": ["generic-basic-auth", "generic-bearer-token"],
    "pem": PRIVATE_KEYS, "privkey": PRIVATE_KEYS, "age": ["private-key-age"],
    # tokens that are JWTs (the peers pin `eyJ...` header and payload): jwt-token finds them
    **{p: JWT for p in ["bombbomb", "calendlyapikey", "cloudconvert", "documo", "formio", "formbucket", "graphcms",
                        "kontent", "lemonsqueezy", "livestorm", "monday", "rentman", "voicegain", "web3storage",
                        "reallysimplesystems", "tallyfy", "edenai", "front", "lendflow", "viewneo", "paperform",
                        "storychief"]},
    # a peer's product name for a provider leakhound files under the company's name
    "adafruit": ["adafruitio-api-key"], "airbrake": ["airbrakeuserkey-api-key"],
    "amplitude": ["amplitudeapikey-api-key"], "avaza": ["avazapersonalaccesstoken-api-key"],
    "bitly": ["bitlyaccesstoken-api-key"], "close": ["closecrm-api-key"], "fastly": ["fastlypersonaltoken-api-key"],
    "mattermost": ["mattermostpersonaltoken-api-key"], "maxmind": ["maxmindlicense-api-key-2"],
    "pubnub": ["pubnubpublishkey-api-key", "pubnubpublishkey-api-key-2"],
    "pubnubsubscriptionkey": ["pubnubpublishkey-api-key-2"], "pushbullet": ["pushbulletapikey-api-key"],
    "restpack": ["restpackhtmltopdfapi-api-key"], "restpackscreenshotapi": ["restpackhtmltopdfapi-api-key"],
    "scaleway": ["scalewaykey-api-key"], "spotify": ["spotifykey-secret"], "trello": ["trelloapikey-api-key", "trelloapikey-token"],
    "youtube": ["youtubeapikey-api-key"], "nexmoapikey": ["vonage-api-secret"],
    "vagrantcloud": ["terraform-cloud-token"], "vagrantcloudpersonaltoken": ["terraform-cloud-token"],
    "sonar": ["sonarqube-token", "sonarcloud-api-key"], "hashicorpvault": ["vault-token"],
    "jiratoken": ["atlassian-api-token", "atlassian-legacy-api-token"],
    "artifactoryreferencetoken": ["jfrog-reference-token"], "braintreepayments": ["paypal-braintree-private-key"],
    "blogger": ["google-api-key"], "gcpapplicationdefaultcredentials": ["google-oauth-client-json", "google-oauth-refresh-token"],
    "ibmclouduserkey": ["ibm-cloud-api-key"], "langchain": ["langsmith-api-key"], "nvidia": ["nvapi-api-key"],
    "satismeterwritekey": ["satismeterprojectkey-token"], "duffeltoken": ["duffel-api-token"],
    "adobe": ["adobeio-api-key", "adobeio-client-secret"], "box": ["boxoauth-secret"], "boxcom": ["boxoauth-secret"],
    "facebook": ["facebookoauth-secret", "facebookoauth-access-token"],
    "lark": ["larksuiteapikey-api-key", "larksuiteapikey-secret", "larksuiteapikey-access-token"],
    "larksuite": ["larksuiteapikey-access-token"], "line": ["linemessaging-api-key"], "sauce": ["saucelabs-api-key"],
    "hashes": ["passwordhash-bcrypt", "passwordhash-md5crypt", "passwordhash-sha-crypt"],
    "netrc": ["generic-netrc"], "phpmailer": ["generic-password"], "react": ["generic-password"],
    "vmware": ["generic-cli-password-flag"], "gradle": ["generic-gradle-credentials"], "psexec": ["generic-cli-psexec"],
}
# Not providers: helper files and directories in the peers' rule folders.
SKIP = {"utils", "rule", "rules", "config", "custom_detectors", "common", "testdata", "tests", "test", "stopwords"}


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
    if provider in RULE_ALIASES:
        return RULE_ALIASES[provider]
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
