#!/usr/bin/env python3
"""Generate the labelled accuracy corpus.

    gen_corpus.py OUTDIR [--seed N]

Writes a tree of small files in many formats with planted secrets (random
tokens in each provider's documented format) and decoys (things that look like
secrets but are not), and OUTDIR/labels.json: a list of
{path, line, end_line, kind: "secret"|"decoy", provider, value}, lines 1-based
and inclusive (a multi-line private key spans BEGIN..END; a credential pair
such as an AWS key id and its secret key spans both lines). The output depends
only on the seed. Every value is generated here: nothing is copied.
"""
import argparse
import base64
import json
import os
import random
import re
import shutil
import string
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the repo
import families  # noqa: E402  (bench/accuracy/families.py)

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
HEX = "0123456789abcdef"
URLSAFE = string.ascii_letters + string.digits + "-_"
B32 = string.ascii_uppercase + "234567"
PASSWORD = string.ascii_letters + string.digits + "!#%*+-._~@^"

R = random.Random(0)


def pick(alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


def rbytes(n):
    return bytes(R.getrandbits(8) for _ in range(n))


def b64(data):
    return base64.b64encode(data).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def base62(n, width):
    s = ""
    while n:
        n, d = divmod(n, 62)
        s = B62[d] + s
    return s.rjust(width, "0")


def checksummed(prefix):
    """GitHub / npm token: 30 random base62 chars + base62(crc32 of them), 6 chars."""
    body = pick(B62, 30)
    return prefix + body + base62(zlib.crc32(body.encode()), 6)


# ---------------------------------------------------------------- DER / PEM

def der(tag, body):
    n = len(body)
    if n < 0x80:
        head = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + body


def der_int(nbytes):
    """A random positive INTEGER of nbytes with the top bit set."""
    v = bytearray(rbytes(nbytes))
    v[0] |= 0x80
    return der(0x02, b"\x00" + bytes(v))


def seq(*parts):
    return der(0x30, b"".join(parts))


RSA_OID = bytes.fromhex("06092a864886f70d0101010500")  # rsaEncryption, NULL
P256_OID = bytes.fromhex("06082a8648ce3d030107")


def rsa_pkcs1():
    return seq(b"\x02\x01\x00", der_int(256), b"\x02\x03\x01\x00\x01", der_int(256),
               der_int(128), der_int(128), der_int(128), der_int(128), der_int(128))


def pem(label, data, width=64):
    body = b64(data)
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def ssh_string(b):
    return struct.pack(">I", len(b)) + b


def openssh_key():
    pub = ssh_string(b"ssh-ed25519") + ssh_string(rbytes(32))
    check = rbytes(4)
    comment = f"deploy@{R.choice(SERVICES)}".encode()
    priv = check + check + pub + ssh_string(rbytes(64)) + ssh_string(comment)
    priv += bytes(range(1, 1 + (-len(priv) % 8)))
    blob = (b"openssh-key-v1\x00" + ssh_string(b"none") + ssh_string(b"none") + ssh_string(b"")
            + struct.pack(">I", 1) + ssh_string(pub) + ssh_string(priv))
    return pem("OPENSSH PRIVATE KEY", blob, 70)


def crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pgp_key():
    data = b"\x95\x03\x98\x04" + rbytes(R.randint(900, 1400))
    body = b64(data)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *lines,
                      "=" + b64(crc24(data).to_bytes(3, "big")),
                      "-----END PGP PRIVATE KEY BLOCK-----"])


PRIVATE_KEYS = {
    "private-key-rsa": lambda: pem("RSA PRIVATE KEY", rsa_pkcs1()),
    "private-key-pkcs8": lambda: pem("PRIVATE KEY", seq(b"\x02\x01\x00", seq(RSA_OID[:11], RSA_OID[11:]),
                                                       der(0x04, rsa_pkcs1()))),
    "private-key-ec": lambda: pem("EC PRIVATE KEY", seq(b"\x02\x01\x01", der(0x04, rbytes(32)),
                                                       der(0xA0, P256_OID),
                                                       der(0xA1, der(0x03, b"\x00\x04" + rbytes(64))))),
    "private-key-openssh": openssh_key,
    "private-key-pgp": pgp_key,
}


def certificate():
    return pem("CERTIFICATE", seq(seq(der(0xA0, b"\x02\x01\x02"), der_int(16), rbytes(R.randint(700, 1000)))))


def public_key():
    return pem("PUBLIC KEY", seq(seq(RSA_OID[:11], RSA_OID[11:]),
                                 der(0x03, b"\x00" + seq(der_int(256), b"\x02\x03\x01\x00\x01"))))


def ssh_public_key():
    blob = ssh_string(b"ssh-rsa") + ssh_string(b"\x01\x00\x01") + ssh_string(b"\x00" + rbytes(256))
    return f"ssh-rsa {b64(blob)} {R.choice(PEOPLE)}@{R.choice(SERVICES)}"


def png_data_uri():
    w = h = R.choice([8, 12, 16])
    raw = b"".join(b"\x00" + rbytes(3 * w) for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + b64(png)


# ---------------------------------------------------------------- vocabulary

SERVICES = ["billing", "payments", "auth", "search", "notifications", "inventory", "reports",
            "gateway", "orders", "users", "analytics", "mailer", "scheduler", "catalog",
            "checkout", "media", "webhooks", "ledger", "identity", "shipping"]
NOUNS = ["storage", "email", "cache", "queue", "metrics", "client", "settings", "upload",
         "export", "sync", "integrations", "notifier", "backup", "worker", "api"]
ENVS = ["production", "staging", "dev", "qa"]
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
HOSTS = ["db.internal", "10.0.3.12", "pg-primary.prod.svc", "mysql.acme.local", "db-01"]
SENTENCES = ["Welcome to the Acme customer portal", "This report is generated every night",
             "Thank you for your order, it will ship soon", "Maintenance window starts at 02:00 UTC",
             "Please verify your email address to continue", "The quick brown fox jumps over the lazy dog"]
NEUTRAL = [("LOG_LEVEL", "info"), ("PORT", "8080"), ("HOST", "0.0.0.0"), ("REGION", "us-east-1"),
           ("TIMEOUT_SECONDS", "30"), ("MAX_RETRIES", "5"), ("ENVIRONMENT", "production"),
           ("FEATURE_NEW_CHECKOUT", "true"), ("CACHE_TTL", "300"), ("WORKERS", "4"),
           ("METRICS_ENABLED", "true"), ("DB_HOST", "db.internal"), ("DB_USER", "app"),
           ("API_BASE_URL", "https://api.acme.internal/v2"), ("QUEUE_NAME", "jobs-default")]


# ---------------------------------------------------------------- items
# An item is one labelled thing: {kind, provider, name, value} (+ name2/value2
# for a credential pair, + ref=True for an environment lookup rendered per
# format, + formats: the formats it may appear in).

def item(kind, provider, name, value, **kw):
    return {"kind": kind, "provider": provider, "name": name, "value": value, **kw}


def secret_items():
    s = []

    def add(provider, n, names, gen):
        for _ in range(n):
            s.append(item("secret", provider, R.choice(names), gen()))

    for _ in range(14):
        names = R.choice([("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), ("AWS_ACCESS_KEY", "AWS_SECRET_KEY"),
                          ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")])
        s.append(item("secret", "aws", names[0], "AKIA" + pick(B32, 16),
                      name2=names[1], value2=pick(string.ascii_letters + string.digits + "/+", 40)))
    gh = ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT", "GITHUB_ACCESS_TOKEN"]
    add("github-pat", 10, gh, lambda: checksummed("ghp_"))
    add("github-oauth", 3, ["GITHUB_OAUTH_TOKEN", "GH_OAUTH_TOKEN"], lambda: checksummed("gho_"))
    add("github-app", 6, ["GITHUB_APP_TOKEN", "GH_INSTALLATION_TOKEN"],
        lambda: checksummed(R.choice(["ghu_", "ghs_"])))
    add("github-refresh", 3, ["GITHUB_REFRESH_TOKEN"], lambda: checksummed("ghr_"))
    add("github-fine-grained", 8, gh, lambda: "github_pat_" + pick(B62, 22) + "_" + pick(B62, 59))
    add("gitlab-pat", 10, ["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_PUSH_TOKEN"],
        lambda: "glpat-" + pick(URLSAFE, 20))
    add("slack-bot", 6, ["SLACK_BOT_TOKEN", "SLACK_TOKEN"],
        lambda: f"xoxb-{pick(string.digits, 12)}-{pick(string.digits, 13)}-{pick(B62, 24)}")
    add("slack-user", 5, ["SLACK_USER_TOKEN", "SLACK_TOKEN"],
        lambda: f"xoxp-{pick(string.digits, 12)}-{pick(string.digits, 12)}-{pick(string.digits, 13)}-{pick(HEX, 32)}")
    add("slack-webhook", 7, ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK", "ALERTS_WEBHOOK_URL"],
        lambda: "https://hooks.slack.com/services/T" + pick(string.ascii_uppercase + string.digits, 10)
        + "/B" + pick(string.ascii_uppercase + string.digits, 10) + "/" + pick(B62, 24))
    add("stripe", 10, ["STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_RESTRICTED_KEY"],
        lambda: R.choice(["sk_live_", "rk_live_"]) + pick(B62, R.choice([24, 34, 99])))
    add("openai", 7, ["OPENAI_API_KEY", "OPENAI_KEY"],
        lambda: "sk-proj-" + pick(URLSAFE, 74) + "T3BlbkFJ" + pick(URLSAFE, 74))
    add("openai-legacy", 4, ["OPENAI_API_KEY"], lambda: "sk-" + pick(B62, 20) + "T3BlbkFJ" + pick(B62, 20))
    add("anthropic", 8, ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"], lambda: "sk-ant-api03-" + pick(URLSAFE, 93) + "AA")
    add("google-api-key", 10, ["GOOGLE_API_KEY", "MAPS_API_KEY", "GCP_API_KEY"], lambda: "AIza" + pick(URLSAFE, 35))
    add("google-oauth-secret", 6, ["GOOGLE_CLIENT_SECRET", "OAUTH_CLIENT_SECRET"], lambda: "GOCSPX-" + pick(URLSAFE, 28))
    add("azure-storage", 7, ["AZURE_STORAGE_CONNECTION_STRING", "STORAGE_CONNECTION_STRING"],
        lambda: f"DefaultEndpointsProtocol=https;AccountName=acme{R.choice(SERVICES)}{R.randint(1, 99)};"
        f"AccountKey={b64(rbytes(64))};EndpointSuffix=core.windows.net")
    add("sendgrid", 7, ["SENDGRID_API_KEY", "SMTP_API_KEY"], lambda: "SG." + pick(URLSAFE, 22) + "." + pick(URLSAFE, 43))
    for _ in range(8):
        if R.random() < 0.5:
            s.append(item("secret", "twilio", "TWILIO_ACCOUNT_SID", "AC" + pick(HEX, 32),
                          name2="TWILIO_AUTH_TOKEN", value2=pick(HEX, 32)))
        else:
            s.append(item("secret", "twilio", "TWILIO_API_KEY", "SK" + pick(HEX, 32),
                          name2="TWILIO_API_SECRET", value2=pick(B62, 32)))
    add("npm", 8, ["NPM_TOKEN", "NODE_AUTH_TOKEN"], lambda: checksummed("npm_"))
    add("pypi", 6, ["PYPI_TOKEN", "TWINE_PASSWORD", "PYPI_API_TOKEN"],
        lambda: "pypi-AgEIcHlwaS5vcmc" + b64url(rbytes(R.randint(110, 150))))
    add("huggingface", 7, ["HF_TOKEN", "HUGGINGFACE_TOKEN", "HUGGING_FACE_HUB_TOKEN"],
        lambda: "hf_" + pick(string.ascii_letters, 34))
    add("shopify", 8, ["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET", "SHOPIFY_TOKEN"],
        lambda: R.choice(["shpat_", "shpss_", "shpca_"]) + pick(HEX, 32))
    add("digitalocean", 6, ["DIGITALOCEAN_TOKEN", "DO_API_TOKEN"], lambda: "dop_v1_" + pick(HEX, 64))
    add("telegram", 6, ["TELEGRAM_BOT_TOKEN", "TELEGRAM_TOKEN"],
        lambda: f"{R.randint(10 ** 7, 10 ** 10 - 1)}:AA{pick(URLSAFE, 33)}")
    add("mailgun", 6, ["MAILGUN_API_KEY", "MAILGUN_KEY"], lambda: "key-" + pick(HEX, 32))
    add("datadog", 6, ["DD_API_KEY", "DATADOG_API_KEY"], lambda: pick(HEX, 32))
    for provider, n in [("private-key-rsa", 3), ("private-key-pkcs8", 3), ("private-key-ec", 3),
                        ("private-key-openssh", 2), ("private-key-pgp", 2)]:
        add(provider, n, ["PRIVATE_KEY", "TLS_KEY", "SIGNING_KEY", "SSH_PRIVATE_KEY"], PRIVATE_KEYS[provider])

    def jwt():
        claims = {"sub": str(R.randint(10 ** 5, 10 ** 7)), "name": R.choice(PEOPLE).title(),
                  "role": R.choice(["admin", "service", "reader"]), "iat": R.randint(1.6e9, 1.75e9)}
        claims["exp"] = claims["iat"] + 86400 * 365
        return ".".join([b64url(b'{"alg":"HS256","typ":"JWT"}'),
                         b64url(json.dumps(claims, separators=(",", ":")).encode()), b64url(rbytes(32))])
    add("jwt", 8, ["AUTH_TOKEN", "SERVICE_JWT", "API_BEARER_TOKEN", "ACCESS_TOKEN"], jwt)

    def db(scheme, port):
        def gen():
            user = R.choice(["app", "admin", "svc_" + R.choice(SERVICES), "root"])
            host = R.choice(HOSTS) if scheme != "mongodb+srv" else f"cluster0.{pick(string.ascii_lowercase + string.digits, 5)}.mongodb.net"
            where = f"{host}:{port}" if port else host
            return f"{scheme}://{user}:{pick(B62, R.randint(14, 24))}@{where}/{R.choice(SERVICES)}"
        return gen
    add("db-postgres", 7, ["DATABASE_URL", "POSTGRES_URL", "DB_URL"], db("postgres", 5432))
    add("db-mysql", 6, ["DATABASE_URL", "MYSQL_URL"], db("mysql", 3306))
    add("db-mongodb", 6, ["MONGODB_URI", "MONGO_URL"], db("mongodb+srv", None))
    add("generic-password", 25, ["DB_PASSWORD", "ADMIN_PASSWORD", "SMTP_PASSWORD", "REDIS_PASSWORD",
                                 "LDAP_BIND_PASSWORD", "RABBITMQ_PASSWORD"], lambda: pick(PASSWORD, R.randint(16, 28)))
    add("generic-api-key", 20, ["API_KEY", "SERVICE_API_KEY", "SECRET_KEY", "CLIENT_SECRET", "APP_SECRET",
                                "SESSION_SECRET", "PAYMENT_GATEWAY_API_KEY", "WEBHOOK_SECRET"],
        lambda: pick(B62, R.randint(24, 40)))
    # every other rule family; a token with no prefix is only a secret by its
    # name, so it stays out of formats that separate the name from the value
    named_only = set(FORMATS) - {"xml", "k8s"}
    for provider, n, names, gen, context in families.FAMILIES:
        for _ in range(n):
            extra = {"formats": named_only} if context else {}
            s.append(item("secret", provider, R.choice(names), gen(R), **extra))
    return s


PLACEHOLDERS = ["your-api-key-here", "<YOUR_TOKEN>", "xxxxxxxxxxxxxxxxxxxxxxxx", "changeme", "REPLACE_ME",
                "<insert-password-here>", "********", "TODO-set-in-vault", "dummy", "${API_KEY}"]


def decoy_items():
    d = []

    def add(provider, n, names, gen, **kw):
        for _ in range(n):
            d.append(item("decoy", provider, R.choice(names), gen(), **kw))

    for _ in range(15):
        d.append(item("decoy", "aws-example", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                      name2="AWS_SECRET_ACCESS_KEY", value2="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
    secretish = ["API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "STRIPE_SECRET_KEY", "SLACK_BOT_TOKEN",
                 "CLIENT_SECRET", "AUTH_TOKEN", "OPENAI_API_KEY", "PASSWORD", "SECRET_KEY"]
    add("placeholder", 60, secretish, lambda: R.choice(PLACEHOLDERS))
    add("placeholder", 45, secretish, lambda: None, ref=True)
    add("placeholder", 10, ["TOKEN", "API_TOKEN"], lambda: "{{ .Values.token }}", formats={"yaml", "k8s"})
    add("placeholder", 6, ["GITHUB_TOKEN"], lambda: "ghp_" + "x" * 36)
    add("placeholder", 4, ["STRIPE_SECRET_KEY"], lambda: "sk_live_" + "X" * 24)
    add("git-sha", 34, ["GIT_SHA", "COMMIT", "REVISION", "BASE_REF", "SOURCE_VERSION", "BUILD_COMMIT"],
        lambda: pick(HEX, 40))
    add("uuid", 44, ["CLIENT_ID", "TENANT_ID", "SUBSCRIPTION_ID", "REQUEST_ID", "TRACE_ID", "PROJECT_ID",
                     "INSTALLATION_ID"],
        lambda: "-".join(pick(HEX, n) for n in (8, 4, 4, 4, 12)))
    add("checksum", 24, ["SHA256", "CHECKSUM", "ARCHIVE_SHA256", "MD5SUM", "SHA1", "ETAG", "DIGEST"],
        lambda: R.choice(["sha256:" + pick(HEX, 64), pick(HEX, 64), pick(HEX, 40), pick(HEX, 32)]))
    add("ssh-public-key", 8, ["SSH_AUTHORIZED_KEY", "DEPLOY_PUBLIC_KEY", "SSH_PUB_KEY"], ssh_public_key)
    add("public-key", 5, ["JWT_PUBLIC_KEY", "VERIFY_KEY_PEM"], public_key)
    add("certificate", 6, ["TLS_CERT", "CA_CERT", "CLIENT_CERTIFICATE"], certificate)
    add("data-uri", 8, ["LOGO", "PLACEHOLDER_IMAGE", "FAVICON", "SPINNER_ICON"], png_data_uri)
    add("password-label", 16, ["PASSWORD_LABEL", "PASSWORD_PROMPT", "PASSWORD_PLACEHOLDER", "PASSWORD_HINT"],
        lambda: R.choice(["Password", "Enter your password", "Password:", "Confirm password",
                          "Forgot your password?", "Password must be at least 12 characters"]))
    add("base64-text", 22, ["BANNER_B64", "WELCOME_MESSAGE_B64", "ENCODED_FOOTER", "TEMPLATE_DATA"],
        lambda: b64(R.choice(SENTENCES).encode()))
    add("stripe-publishable", 8, ["STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_STRIPE_KEY"], lambda: "pk_live_" + pick(B62, 99))
    add("empty", 10, secretish, lambda: "")

    def bad_checksum(prefix):
        token = checksummed(prefix)
        return token[:-1] + R.choice([c for c in B62 if c != token[-1]])
    add("bad-checksum", 8, ["GITHUB_TOKEN", "GH_TOKEN"], lambda: bad_checksum(R.choice(["ghp_", "gho_", "ghs_"])))
    add("bad-checksum", 4, ["NPM_TOKEN"], lambda: bad_checksum("npm_"))
    code = QUOTED_CODE
    add("function-call", 16, secretish, lambda: R.choice([
        'get_secret("{}")', 'vault.read("secret/data/{}")', 'config.get("{}")', 'fetch_credential("{}")',
        'secrets_manager.get_secret_value(SecretId="{}")', 'keyring.get_password("acme", "{}")']).format(
        R.choice(SERVICES) + "-" + R.choice(["api-key", "token", "password"])), expr=True, formats=code)
    add("identifier", 14, secretish, lambda: R.choice([
        "settings.STRIPE_SECRET_KEY", "self.api_token", "config.auth.clientSecret", "DEFAULT_API_KEY_HEADER",
        "credentials.password", "app.config.secretKeyBase", "opts.accessToken", "ApiKeyAuth.HEADER_NAME"]),
        expr=True, formats=code)
    add("file-path", 14, ["API_TOKEN_FILE", "DB_PASSWORD_FILE", "SIGNING_KEY_PATH", "CLIENT_SECRET_PATH",
                          "TLS_KEY_FILE", "CREDENTIALS_FILE"],
        lambda: R.choice(["/run/secrets/{}_password", "/etc/acme/{}/api_token", "/var/lib/{}/keys/signing.pem",
                          "~/.config/acme/{}-token.json", "./certs/{}-client.key",
                          "C:\\ProgramData\\Acme\\{}\\secret.key"]).format(R.choice(SERVICES)))
    add("url-no-credentials", 14, ["TOKEN_URL", "SECRET_STORE_URL", "API_KEY_ENDPOINT", "PASSWORD_RESET_URL",
                                   "AUTH_TOKEN_ENDPOINT"],
        lambda: R.choice(["https://auth.acme.internal/oauth/token", "https://vault.acme.internal:8200/v1/secret/data/{}",
                          "https://api.acme.io/v2/{}/api-keys", "https://accounts.acme.io/password/reset?next=/{}",
                          "postgres://db.internal:5432/{}"]).format(R.choice(SERVICES)))
    add("template-ref", 12, secretish, lambda: R.choice([
        "{{ .Values.apiKey }}", "{{ api_token }}", "%(db_password)s", "#{API_TOKEN}", "<%= ENV['SECRET_KEY'] %>",
        "${{ secrets.DEPLOY_TOKEN }}", "@@ACCESS_TOKEN@@", "{vault:secret/api#token}"]))
    return d


# ---------------------------------------------------------------- rendering

def style(name, fmt):
    low = name.lower()
    parts = low.split("_")
    camel = parts[0] + "".join(p.title() for p in parts[1:])
    return {"py": name, "sh": name, "env": name, "dockerfile": name, "java": name, "rb": name, "gha": name,
            "k8s": name, "go": "".join(p.title() for p in parts), "js": camel, "ts": camel, "json": camel,
            "xml": "".join(p.title() for p in parts), "properties": low.replace("_", "."),
            "yaml": low, "tf": low, "ini": low}[fmt]


def env_ref(name, fmt):
    """How each format reads a value from the environment or a secret store."""
    low = name.lower()
    return {
        "py": R.choice([f'os.environ["{name}"]', f'os.getenv("{name}")']),
        "js": f"process.env.{name}", "ts": f"process.env.{name}!",
        "go": f'os.Getenv("{name}")', "java": f'System.getenv("{name}")',
        "rb": R.choice([f'ENV["{name}"]', f'ENV.fetch("{name}")']),
        "tf": f"var.{low}", "sh": f'"$(vault kv get -field={low} secret/app)"',
        "env": f"${{{name}}}", "dockerfile": f"${{{name}}}", "properties": f"${{{name}}}",
        "ini": f"%({name})s", "xml": f"${{{name}}}", "json": f"${{{name}}}",
        "yaml": f"${{{name}}}", "k8s": f"${{{name}}}", "gha": f"${{{{ secrets.{name} }}}}",
    }[fmt]


QUOTED_CODE = {"py", "js", "ts", "go", "java", "rb"}


def render(fmt, name, value, ref=False):
    """Lines of one assignment in fmt, and the (first, last) index of the value's lines.
    ref: value is an expression (an environment lookup), written unquoted where it is code."""
    key = style(name, fmt)
    multi = "\n" in value
    lines = value.split("\n")
    if fmt in QUOTED_CODE and ref:
        code = value
    elif fmt in QUOTED_CODE and not multi:
        code = json.dumps(value) if fmt != "rb" or R.random() < 0.5 else f"'{value}'"
    else:
        code = None
    if fmt == "py":
        if multi:
            return [f'{key} = """{lines[0]}', *lines[1:-1], f'{lines[-1]}"""'], 0, len(lines) - 1
        return [f"{key} = {code}"], 0, 0
    if fmt in ("js", "ts"):
        decl = "export const" if fmt == "ts" else R.choice(["const", "export const"])
        if multi:
            return [f"{decl} {key} = `{lines[0]}", *lines[1:-1], f"{lines[-1]}`;"], 0, len(lines) - 1
        return [f"{decl} {key} = {code};"], 0, 0
    if fmt == "go":
        if multi:
            return [f"\t{key} = `{lines[0]}", *lines[1:-1], f"{lines[-1]}`"], 0, len(lines) - 1
        return [f"\t{key} = {code}"], 0, 0
    if fmt == "java":
        if multi:
            return [f'    private static final String {key} = """', *lines, '        """;'], 1, len(lines)
        return [f"    private static final String {key} = {code};"], 0, 0
    if fmt == "rb":
        if multi:
            return [f"{key} = <<~PEM", *["  " + x for x in lines], "PEM"], 1, len(lines)
        return [f"{key} = {code}"], 0, 0
    if fmt in ("yaml", "k8s", "gha"):
        pad = "  " if fmt != "gha" else "      "
        if multi:
            return [f"{pad}{key}: |", *[pad + "  " + x for x in lines]], 1, len(lines)
        plain = re.fullmatch(r"[A-Za-z0-9][^\s:#]*", value) and R.random() < 0.4
        return [f"{pad}{key}: {value if plain else json.dumps(value)}"], 0, 0
    one = value.replace("\n", "\\n")
    if fmt == "json":
        return [f"    {json.dumps(key)}: {json.dumps(value)}"], 0, 0
    if fmt == "tf":
        if multi:
            return [f"  {key} = <<-EOT", *["    " + x for x in lines], "  EOT"], 1, len(lines)
        if ref:
            return [f"  {key} = {value}"], 0, 0
        return [f'  {key} = "{value}"'], 0, 0
    if fmt == "sh":
        if ref:
            return [f"export {key}={value}"], 0, 0  # value: "$(vault ...)"
        if multi:
            return [f'export {key}="{lines[0]}', *lines[1:-1], f'{lines[-1]}"'], 0, len(lines) - 1
        return [f'export {key}="{value}"' if R.random() < 0.7 else f"export {key}='{value}'"], 0, 0
    if fmt == "env":
        if multi:
            return [f'{key}="{one}"'], 0, 0
        return [f"{key}={value}" if R.random() < 0.6 else f'{key}="{value}"'], 0, 0
    if fmt == "dockerfile":
        return [f"{R.choice(['ENV', 'ENV', 'ARG'])} {key}={json.dumps(one) if ' ' in one or multi else one}"], 0, 0
    if fmt == "ini":
        return [f"{key} = {one}"], 0, 0
    if fmt == "properties":
        return [f"{key}={one}"], 0, 0
    if fmt == "xml":
        esc = one.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return [f'    <add key="{key}" value="{esc}" />'], 0, 0
    raise ValueError(fmt)


FORMATS = {  # format: (weight, path templates)
    "env": (30, [".env", "services/{svc}/.env", "services/{svc}/.env.{env}", "deploy/{env}.env"]),
    "py": (34, ["services/{svc}/{svc}/settings.py", "services/{svc}/{svc}/{noun}.py", "scripts/{noun}_{svc}.py",
                "src/{svc}/config.py"]),
    "js": (18, ["web/src/config/{noun}.js", "services/{svc}/src/{noun}.js", "functions/{svc}/index.js"]),
    "ts": (15, ["web/src/lib/{noun}.ts", "services/{svc}/src/config/{noun}.ts"]),
    "go": (18, ["cmd/{svc}/config.go", "internal/{noun}/{svc}.go"]),
    "java": (14, ["services/{svc}/src/main/java/com/acme/{svc}/{Noun}Config.java"]),
    "rb": (16, ["config/initializers/{noun}.rb", "lib/{svc}/{noun}.rb"]),
    "yaml": (32, ["config/{svc}.yml", "services/{svc}/config/{env}.yaml", "ansible/group_vars/{env}/{svc}.yml"]),
    "json": (22, ["config/{env}.json", "services/{svc}/appsettings.{Env}.json", "services/{svc}/config/{noun}.json"]),
    "tf": (22, ["infra/terraform/{svc}/main.tf", "infra/terraform/{svc}/{env}.tfvars", "infra/modules/{noun}/variables.tf"]),
    "sh": (18, ["scripts/deploy_{svc}.sh", "bin/{noun}-{env}.sh", "ops/{svc}/run.sh"]),
    "dockerfile": (12, ["services/{svc}/Dockerfile", "docker/{noun}/Dockerfile"]),
    "ini": (10, ["config/{svc}.ini", "services/{svc}/setup.cfg", "deploy/{noun}.conf"]),
    "properties": (10, ["services/{svc}/src/main/resources/application-{env}.properties"]),
    "xml": (10, ["services/{svc}/Web.{Env}.config", "services/{svc}/src/main/resources/{noun}-context.xml"]),
    "k8s": (22, ["deploy/k8s/{svc}/secret.yaml", "deploy/k8s/{svc}/deployment.yaml", "charts/{svc}/values-{env}.yaml"]),
    "gha": (6, [".github/workflows/{noun}-{env}.yml"]),
}


def wrap(fmt, path, blocks):
    """A whole file of fmt: header, the blocks (each a list of lines), footer."""
    svc = next((s for s in SERVICES if s in path), R.choice(SERVICES))
    head, tail, sep = [], [], []
    if fmt == "py":
        head = ['"""Configuration for the %s service."""' % svc, "import os", "import logging", "",
                "logger = logging.getLogger(__name__)", ""]
        tail = ["", "", "def database_settings():", '    return {"host": DB_HOST, "port": 5432}', ""]
    elif fmt in ("js", "ts"):
        head = ["// Generated settings; edit config/defaults instead.", "import { loadDefaults } from './defaults';", ""]
        tail = ["", "export default loadDefaults();"]
    elif fmt == "go":
        head = [f"package {svc}", "", 'import "os"', "", "var _ = os.Getenv", "", "var ("]
        tail = [")", "", "func Port() string { return PORT }"]
    elif fmt == "java":
        cls = path.rsplit("/", 1)[1][:-5]
        head = [f"package com.acme.{svc};", "", f"public final class {cls} {{", f"    private {cls}() {{}}", ""]
        tail = ["}"]
    elif fmt == "rb":
        head = ["# frozen_string_literal: true", "", f"module {svc.title()}"]
        tail = ["end"]
        sep = []
    elif fmt == "yaml":
        head = ["# managed by ops; do not edit by hand", f"{svc}:"]
    elif fmt == "k8s":
        if path.endswith("secret.yaml"):
            head = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {svc}-secrets", "type: Opaque", "stringData:"]
        else:
            head = ["# Helm values", f"image: registry.acme.io/{svc}:1.{R.randint(0, 40)}.0", "config:"]
    elif fmt == "gha":
        head = ["name: deploy", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:",
                "    runs-on: ubuntu-latest", "    env:"]
        tail = ["    steps:", "      - uses: actions/checkout@v4", "      - run: make deploy"]
    elif fmt == "json":
        head = ["{", f'  "service": "{svc}",', '  "settings": {']
        tail = ["  }", "}"]
    elif fmt == "tf":
        head = ['provider "aws" {', '  region = "us-east-1"', "}", "", 'locals {']
        tail = ["}"]
    elif fmt == "sh":
        head = ["#!/usr/bin/env bash", "set -euo pipefail", ""]
        tail = ["", f'exec ./bin/{svc} "$@"']
    elif fmt == "dockerfile":
        head = ["FROM python:3.12-slim", "WORKDIR /app", "COPY . ."]
        tail = ["RUN pip install --no-cache-dir -r requirements.txt", f'CMD ["python", "-m", "{svc}"]']
    elif fmt == "ini":
        head = [f"[{svc}]"]
    elif fmt == "xml":
        head = ['<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <appSettings>"]
        tail = ["  </appSettings>", "</configuration>"]
    lines, spans = list(head), []
    for i, (block, s, e) in enumerate(blocks):
        if fmt == "json":  # commas between entries
            block = list(block)
            if i < len(blocks) - 1:
                block[-1] += ","
        spans.append((len(lines) + s, len(lines) + e))
        lines += block + sep
    return lines + tail, spans


# ---------------------------------------------------------------- the corpus

class Corpus:
    def __init__(self, out):
        self.out, self.labels, self.paths = out, [], set()

    def unique(self, templates):
        templates = [templates] if isinstance(templates, str) else templates
        for _ in range(1000):
            p = R.choice(templates).format(svc=R.choice(SERVICES), noun=R.choice(NOUNS), env=R.choice(ENVS),
                                Noun=R.choice(NOUNS).title(), Env=R.choice(ENVS).title())
            if p not in self.paths:
                self.paths.add(p)
                return p
        raise RuntimeError(templates)

    def write(self, path, lines, labelled=()):
        """labelled: (item, first, last) with 0-based line indexes."""
        self.paths.add(path)
        full = os.path.join(self.out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        for it, s, e in labelled:
            value = it["value"] if it.get("value2") is None else it["value"] + "\n" + it["value2"]
            self.labels.append({"path": path, "line": s + 1, "end_line": e + 1, "kind": it["kind"],
                                "provider": it["provider"], "value": value})

    def kv_file(self, fmt, items):
        path = self.unique(FORMATS[fmt][1])
        if fmt == "k8s" and path.endswith("deployment.yaml"):
            return self.k8s_deployment(path, items)
        blocks, labelled = [], []
        neutral = R.sample(NEUTRAL, R.randint(1, 4))
        entries, used = [(None, n, v) for n, v in neutral], {n for n, _ in neutral}
        for it in items:  # one name once a file
            while it["name"] in used or it.get("name2", "") in used:
                qualifier = R.choice(["PRIMARY", "LEGACY", "BACKUP", "FALLBACK", "SECONDARY", "OLD", "NEW"])
                it["name"] = f"{qualifier}_{it['name']}"
                if it.get("name2"):
                    it["name2"] = f"{qualifier}_{it['name2']}"
            used |= {it["name"], it.get("name2", it["name"])}
            entries.append((it, it["name"], it["value"]))
        R.shuffle(entries)
        for it, name, value in entries:
            if it is None:
                blocks.append(render(fmt, name, value))
                labelled.append(None)
                continue
            if it.get("ref"):
                it["value"] = env_ref(name, fmt)
            b, s, e = render(fmt, name, it["value"], it.get("ref", False) or it.get("expr", False))
            if it.get("name2"):
                b2, _, e2 = render(fmt, it["name2"], it["value2"])
                b, e = b + b2, len(b) + e2
            blocks.append((b, s, e))
            labelled.append(it)
        lines, spans = wrap(fmt, path, blocks)
        self.write(path, lines, [(it, s, e) for it, (s, e) in zip(labelled, spans) if it])

    def k8s_deployment(self, path, items):
        svc = path.split("/")[2]
        lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {svc}", "spec:",
                 "  template:", "    spec:", "      containers:", f"        - name: {svc}",
                 f"          image: registry.acme.io/{svc}:2.{R.randint(0, 30)}.1", "          env:"]
        labelled = []
        for it in items:
            pairs = [(it["name"], it["value"])] + ([(it["name2"], it["value2"])] if it.get("name2") else [])
            first = None
            for name, value in pairs:
                lines.append(f"            - name: {name}")
                first = len(lines) if first is None else first
                if it.get("ref"):
                    lines += ["              valueFrom:", "                secretKeyRef:",
                              f"                  name: {svc}-secrets", f"                  key: {name.lower()}"]
                    it["value"] = f"secretKeyRef {svc}-secrets/{name.lower()}"
                else:  # json.dumps keeps a multi-line value on one line
                    lines.append(f"              value: {json.dumps(value)}")
            labelled.append((it, first, len(lines) - 1))
        self.write(path, lines, labelled)


def dedicated(c):
    """Files of their own kind: key files, service-account JSON, lockfiles, checksums, locales..."""
    for n in range(5):  # GCP service-account JSON
        svc = R.choice(SERVICES)
        key = PRIVATE_KEYS["private-key-pkcs8"]().replace("\n", "\\n") + "\\n"
        project = f"acme-{svc}-{R.randint(100, 999)}"
        sa = {"type": "service_account", "project_id": project, "private_key_id": pick(HEX, 40),
              "private_key": "@@KEY@@", "client_email": f"{svc}-sa@{project}.iam.gserviceaccount.com",
              "client_id": pick(string.digits, 21), "auth_uri": "https://accounts.google.com/o/oauth2/auth",
              "token_uri": "https://oauth2.googleapis.com/token"}
        lines = json.dumps(sa, indent=2).split("\n")
        i = next(k for k, x in enumerate(lines) if "@@KEY@@" in x)
        lines[i] = lines[i].replace("@@KEY@@", key)
        path = c.unique("secrets/gcp/{svc}-" + f"sa-{n}.json")
        # the label spans "private_key_id" and "private_key"
        c.write(path, lines, [(item("secret", "gcp-service-account", "", key), i - 1, i)])
    for provider, n in [("private-key-rsa", 3), ("private-key-pkcs8", 3), ("private-key-ec", 2),
                        ("private-key-openssh", 3), ("private-key-pgp", 2)]:
        for _ in range(n):
            key = PRIVATE_KEYS[provider]()
            ext = {"private-key-openssh": "deploy_key", "private-key-pgp": "signing.asc"}.get(provider, "key.pem")
            path = c.unique("deploy/keys/{svc}-{env}-" + ext)
            lines = key.split("\n")
            c.write(path, lines, [(item("secret", provider, "", key), 0, len(lines) - 1)])
    for _ in range(3):  # .npmrc / .pypirc
        tok = checksummed("npm_")
        path = c.unique("web/{svc}/.npmrc")
        c.write(path, ["registry=https://registry.npmjs.org/", f"//registry.npmjs.org/:_authToken={tok}"],
                [(item("secret", "npm", "", tok), 1, 1)])
    for _ in range(2):
        tok = "pypi-AgEIcHlwaS5vcmc" + b64url(rbytes(R.randint(110, 150)))
        path = c.unique("packages/{svc}/.pypirc")
        c.write(path, ["[distutils]", "index-servers = pypi", "", "[pypi]", "username = __token__",
                       f"password = {tok}"], [(item("secret", "pypi", "", tok), 5, 5)])
    for provider, template, gen, lines in families.EXCHANGE_CLIENTS:  # exchange clients and config sections
        for _ in range(2):
            t, k = gen(R), pick(B62, 32)
            text = [x.format(k=k, t=t) for x in lines]
            at = next(i for i, x in enumerate(text) if x.endswith("@@"))
            text[at] = text[at][:-2]
            first = next(i for i, x in enumerate(text) if k in x)  # the key and its secret: one credential
            c.write(c.unique(template), text, [(item("secret", provider, "", t), first, at)])
    for _ in range(3):  # Kubernetes Secret manifests
        svc, pw = R.choice(SERVICES), pick(PASSWORD, 20)
        value = b64(pw.encode()) if R.random() < 0.6 else pw
        key = "data" if value != pw else "stringData"
        lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {svc}-credentials", "type: Opaque",
                 f"{key}:", f"  username: {b64(svc.encode()) if key == 'data' else svc}",
                 f"  {R.choice(['password', 'db-password', 'api-token'])}: {value}"]
        c.write(c.unique("deploy/k8s/{svc}/credentials-secret.yaml"), lines,
                [(item("secret", "kubernetes-secret", "", value), 7, 7)])
    for _ in range(2):  # kubeconfig with a user token
        tok = "eyJhbGciOiJSUzI1NiIsImtpZCI6I" + b64url(rbytes(40)) + ".eyJ" + b64url(rbytes(90)) + "." + b64url(rbytes(64))
        lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: prod", "  cluster:",
                 "    server: https://k8s.acme.internal:6443", "users:", "- name: ci-deployer", "  user:",
                 f"    token: {tok}", "contexts:", "- name: prod", "  context: {cluster: prod, user: ci-deployer}"]
        c.write(c.unique("ops/{svc}/kubeconfig-{env}.yaml"), lines, [(item("secret", "kubernetes-kubeconfig", "", tok), 9, 9)])
    for _ in range(3):  # docker config.json
        auth = b64(f"{R.choice(PEOPLE)}:{pick(PASSWORD, 18)}".encode())
        lines = ["{", '  "auths": {', '    "registry.acme.io": {', f'      "auth": "{auth}"', "    }", "  }", "}"]
        c.write(c.unique("ops/{svc}/docker-config-{env}.json"), lines, [(item("secret", "docker-config", "", auth), 3, 3)])
    # decoy files
    for _ in range(3):
        cert = certificate()
        lines = cert.split("\n")
        c.write(c.unique("deploy/tls/{svc}-{env}.crt"), lines, [(item("decoy", "certificate", "", cert), 0, len(lines) - 1)])
    for _ in range(3):
        pub = public_key()
        lines = pub.split("\n")
        c.write(c.unique("deploy/keys/{svc}-{env}.pub.pem"), lines, [(item("decoy", "public-key", "", pub), 0, len(lines) - 1)])
    for _ in range(2):
        keys = [ssh_public_key() for _ in range(R.randint(3, 5))]
        c.write(c.unique("ansible/files/{svc}_authorized_keys"), keys,
                [(item("decoy", "ssh-public-key", "", k), i, i) for i, k in enumerate(keys)])
    pkgs = ["react", "lodash", "express", "axios", "chalk", "debug", "ms", "semver", "uuid", "yargs",
            "commander", "dotenv", "minimist", "glob", "rimraf", "webpack", "typescript", "eslint", "jest", "zod"]
    for _ in range(4):  # package-lock.json
        lines, lab = ["{", f'  "name": "{R.choice(SERVICES)}-web",', '  "lockfileVersion": 3,', '  "packages": {'], []
        chosen = R.sample(pkgs, 8)
        for k, p in enumerate(chosen):
            ver = f"{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 9)}"
            integ = "sha512-" + b64(rbytes(64))
            lines += [f'    "node_modules/{p}": {{', f'      "version": "{ver}",',
                      f'      "resolved": "https://registry.npmjs.org/{p}/-/{p}-{ver}.tgz",',
                      f'      "integrity": "{integ}"', "    }" + ("," if k < len(chosen) - 1 else "")]
            lab.append((item("decoy", "lockfile-integrity", "", integ), len(lines) - 2, len(lines) - 2))
        lines += ["  }", "}"]
        c.write(c.unique("web/{svc}/package-lock.json"), lines, lab)
    for _ in range(3):  # yarn.lock
        lines, lab = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""], []
        for p in R.sample(pkgs, 7):
            ver = f"{R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 9)}"
            integ = "sha512-" + b64(rbytes(64))
            lines += [f'"{p}@^{ver}":', f'  version "{ver}"',
                      f'  resolved "https://registry.yarnpkg.com/{p}/-/{p}-{ver}.tgz"', f"  integrity {integ}", ""]
            lab.append((item("decoy", "lockfile-integrity", "", integ), len(lines) - 2, len(lines) - 2))
        c.write(c.unique("web/{svc}/yarn.lock"), lines, lab)
    for _ in range(3):  # requirements with hashes
        lines, lab = ["# pip-compile --generate-hashes"], []
        for p in R.sample(["requests", "flask", "django", "boto3", "celery", "redis", "pydantic", "sqlalchemy"], 5):
            h = pick(HEX, 64)
            lines += [f"{p}=={R.randint(1, 5)}.{R.randint(0, 30)}.{R.randint(0, 9)} \\", f"    --hash=sha256:{h}"]
            lab.append((item("decoy", "checksum", "", h), len(lines) - 1, len(lines) - 1))
        c.write(c.unique("services/{svc}/requirements.txt"), lines, lab)
    for _ in range(3):  # SHA256SUMS
        lines, lab = [], []
        for k in range(R.randint(4, 7)):
            h = pick(HEX, 64)
            lines.append(f"{h}  {R.choice(SERVICES)}-{R.randint(1, 3)}.{k}.0-linux-amd64.tar.gz")
            lab.append((item("decoy", "checksum", "", h), k, k))
        c.write(c.unique("release/{svc}-{env}/SHA256SUMS"), lines, lab)
    locales = {"fr": ("Mot de passe", "Mot de passe oublié ?", "Jeton d'accès", "Clé API"),
               "de": ("Passwort", "Passwort vergessen?", "Zugriffstoken", "API-Schlüssel"),
               "es": ("Contraseña", "¿Olvidaste tu contraseña?", "Token de acceso", "Clave de API"),
               "pt": ("Senha", "Esqueceu a senha?", "Token de acesso", "Chave de API"),
               "it": ("Password", "Password dimenticata?", "Token di accesso", "Chiave API")}
    for lang, words in locales.items():  # i18n
        keys = ["Password", "Forgot password", "Access token", "API key"]
        lines, lab = ["{"], []
        for k, (key, word) in enumerate(zip(keys, words)):
            lines.append(f"  {json.dumps(key)}: {json.dumps(word, ensure_ascii=False)},")
            lab.append((item("decoy", "i18n", "", word), len(lines) - 1, len(lines) - 1))
        lines.append('  "Sign in": "..."')
        lines.append("}")
        c.write(f"web/locales/{lang}.json", lines, lab)
        ylines = [f"{lang}:", "  auth:"]
        ylab = []
        for key, word in zip(["password", "password_confirmation", "token", "secret_key"], words):
            ylines.append(f"    {key}: {json.dumps(word, ensure_ascii=False)}")
            ylab.append((item("decoy", "i18n", "", word), len(ylines) - 1, len(ylines) - 1))
        c.write(f"config/locales/{lang}.yml", ylines, ylab)
    for _ in range(3):  # minified JS
        lines, lab = [], []
        for _ in range(4):
            ident = "".join(R.choice(["get", "set", "Api", "Key", "Token", "Secret", "Auth", "Handler", "Factory",
                                      "Provider", "Storage", "Session", "Refresh", "Credential"]) for _ in range(6))
            lines.append(f'!function(e,t){{"use strict";var n={{{ident}:function(r){{return r&&r.{ident[:12]}||t}},'
                         f'apiKeyName:"X-Api-Key",tokenStorageKey:"{ident[:20]}"}};e.exports=n}}(module,null);')
            lab.append((item("decoy", "minified-js", "", ident), len(lines) - 1, len(lines) - 1))
        c.write(c.unique("web/dist/{noun}.min.js"), lines, lab)
    for _ in range(3):  # HTML with a password label and an inline image
        uri = png_data_uri()
        lines = ["<!doctype html>", "<html>", "<body>", '  <form method="post" action="/login">',
                 '    <label for="password">Password</label>',
                 '    <input type="password" id="password" name="password" placeholder="Password">',
                 f'    <img alt="logo" src="{uri}">', "  </form>", "</body>", "</html>"]
        c.write(c.unique("web/templates/{noun}_login.html"), lines,
                [(item("decoy", "password-label", "", "Password"), 4, 5),
                 (item("decoy", "data-uri", "", uri), 6, 6)])
    for _ in range(3):  # CSS
        uri = png_data_uri()
        lines = [".spinner {", "  width: 16px;", f"  background-image: url({uri});", "}"]
        c.write(c.unique("web/static/css/{noun}.css"), lines, [(item("decoy", "data-uri", "", uri), 2, 2)])
    for _ in range(4):  # test fixtures that say "example"
        vals = [("api_key", "example-api-key-0000"), ("password", "example-password"),
                ("token", "EXAMPLE_TOKEN_DO_NOT_USE"), ("client_secret", "example_client_secret_value")]
        lines, lab = ["# test fixture: example credentials, not real", "account:"], []
        for k, v in R.sample(vals, 3):
            lines.append(f"  {k}: {v}")
            lab.append((item("decoy", "example-fixture", "", v), len(lines) - 1, len(lines) - 1))
        c.write(c.unique("tests/fixtures/{noun}_{svc}.yml"), lines, lab)


CLEAN = {
    "README.md": ["# {svc}", "", "Service that handles {noun} for Acme.", "", "## Configuration", "",
                  "Set `API_KEY` and `DB_PASSWORD` in the environment; see `.env.example`.", ""],
    "main.py": ["import sys", "", "", "def main(argv):", "    name = argv[1] if len(argv) > 1 else 'world'",
                "    print(f'hello {name}')", "    return 0", "", "", "if __name__ == '__main__':",
                "    sys.exit(main(sys.argv))"],
    "util.go": ["package {svc}", "", "// Clamp limits v to [lo, hi].", "func Clamp(v, lo, hi int) int {",
                "\tif v < lo {", "\t\treturn lo", "\t}", "\tif v > hi {", "\t\treturn hi", "\t}", "\treturn v", "}"],
    "index.js": ["export function formatPrice(cents) {", "  return `$${(cents / 100).toFixed(2)}`;", "}"],
    "Makefile": ["build:", "\tgo build ./...", "", "test:", "\tgo test ./..."],
}


def generate(out, seed):
    R.seed(seed)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    c = Corpus(out)
    secrets, decoys = secret_items(), decoy_items()
    dedicated(c)
    pool = secrets + decoys
    R.shuffle(pool)
    fmts = list(FORMATS)
    weights = [FORMATS[f][0] for f in fmts]
    while pool:
        fmt = R.choices(fmts, weights)[0]
        n = min(len(pool), R.choice([1, 1, 2, 2, 2, 3, 3, 4]))
        items = [it for it in pool if it.get("formats") is None or fmt in it["formats"]][:n]
        if not items:
            continue
        for it in items:
            pool.remove(it)
        c.kv_file(fmt, items)
    for _ in range(60):  # files with nothing to find
        name = R.choice(list(CLEAN))
        path = c.unique("services/{svc}/{noun}/" + name)
        svc = path.split("/")[1]
        c.write(path, [x.replace("{svc}", svc).replace("{noun}", path.split("/")[2]) for x in CLEAN[name]])
    c.labels.sort(key=lambda x: (x["path"], x["line"]))
    with open(os.path.join(out, "labels.json"), "w", encoding="utf-8") as f:
        json.dump(c.labels, f, indent=1)
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20250101)
    a = ap.parse_args()
    c = generate(a.outdir, a.seed)
    kinds = {}
    for x in c.labels:
        kinds[x["kind"]] = kinds.get(x["kind"], 0) + 1
    print(f"{a.outdir}: {len(c.paths)} files, {kinds.get('secret', 0)} secrets, "
          f"{kinds.get('decoy', 0)} decoys", file=sys.stderr)


if __name__ == "__main__":
    main()
