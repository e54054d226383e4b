//! `--verify` against a loopback fake provider: every state (live with an
//! identity, revoked, rate limited, timeout, redirect not followed, no
//! verifier), one request per distinct secret, nothing sent without
//! `--verify`, the trust model for configs, and remediation in reports.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{base62_noise, github_pat, FakeProvider, Hit, Reply, TestDir};

const BASE_ENV: &str = "LEAKHOUND_TEST_VERIFY_BASE";

fn digits(seed: u64, n: usize) -> String {
    base62_noise(seed, n * 4)
        .bytes()
        .filter(u8::is_ascii_digit)
        .chain(std::iter::repeat(b'7'))
        .take(n)
        .map(char::from)
        .collect()
}

fn hex(seed: u64, n: usize) -> String {
    base62_noise(seed, n * 4)
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_lowercase())
        .take(n)
        .collect()
}

fn letters(seed: u64, n: usize) -> String {
    base62_noise(seed, n * 2)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(n)
        .collect()
}

fn base32(seed: u64, n: usize) -> String {
    base62_noise(seed, n * 4)
        .chars()
        .filter(|c| c.is_ascii_uppercase() || ('2'..='7').contains(c))
        .take(n)
        .collect()
}

/// An npm token: GitHub's format (the checksum covers the body only).
fn npm_token(seed: u64) -> String {
    format!("{}{}", "npm_", &github_pat(seed)[4..])
}

/// One fake secret per verified provider: (rule id, provider host, file line, secret).
fn secrets() -> Vec<(&'static str, &'static str, String, String)> {
    let gh = github_pat(1601);
    let gl = format!("{}{}", "glpat-", base62_noise(1602, 20));
    let slack = format!(
        "{}{}-{}-{}",
        "xoxb-",
        digits(1603, 10),
        digits(1604, 12),
        base62_noise(1605, 24)
    );
    let stripe = format!("{}{}", "sk_live_", base62_noise(1606, 30));
    let tg = format!("{}{}{}", digits(1607, 9), ":AA", base62_noise(1608, 33));
    let aws_id = format!("{}{}", "AKIA", base32(1609, 16));
    let aws_secret = base62_noise(1610, 40);
    let openai = format!("{}{}", "sk-proj-", base62_noise(1611, 60));
    let anthropic = format!("{}{}AA", "sk-ant-api03-", base62_noise(1612, 93));
    let npm = npm_token(1613);
    let hf = format!("{}{}", "hf_", letters(1614, 34));
    let digitalocean = format!("{}{}", "dop_v1_", hex(1615, 64));
    let sendgrid = format!("SG.{}.{}", base62_noise(1616, 22), base62_noise(1617, 43));
    let datadog = hex(1618, 32);
    vec![
        (
            "github-pat",
            "api.github.com",
            format!("GITHUB_TOKEN={gh}"),
            gh,
        ),
        ("gitlab-pat", "gitlab.com", format!("GITLAB_TOKEN={gl}"), gl),
        (
            "slack-bot-token",
            "slack.com",
            format!("SLACK_BOT_TOKEN={slack}"),
            slack,
        ),
        (
            "stripe-secret-key",
            "api.stripe.com",
            format!("STRIPE_KEY={stripe}"),
            stripe,
        ),
        (
            "telegram-bot-token",
            "api.telegram.org",
            format!("TELEGRAM_TOKEN={tg}"),
            tg,
        ),
        (
            "aws-access-key-id",
            "sts.amazonaws.com",
            format!("aws_access_key_id = {aws_id}"),
            aws_id,
        ),
        (
            "aws-secret-access-key",
            "sts.amazonaws.com",
            format!("aws_secret_access_key = {aws_secret}"),
            aws_secret,
        ),
        (
            "openai-api-key",
            "api.openai.com",
            format!("OPENAI_API_KEY={openai}"),
            openai,
        ),
        (
            "anthropic-api-key",
            "api.anthropic.com",
            format!("ANTHROPIC_API_KEY={anthropic}"),
            anthropic,
        ),
        (
            "npm-access-token",
            "registry.npmjs.org",
            format!("NPM_TOKEN={npm}"),
            npm,
        ),
        (
            "huggingface-access-token",
            "huggingface.co",
            format!("HF_TOKEN={hf}"),
            hf,
        ),
        (
            "digitalocean-pat",
            "api.digitalocean.com",
            format!("DO_TOKEN={digitalocean}"),
            digitalocean,
        ),
        (
            "sendgrid-api-key",
            "api.sendgrid.com",
            format!("SENDGRID_API_KEY={sendgrid}"),
            sendgrid,
        ),
        (
            "datadog-api-key",
            "api.datadoghq.com",
            format!("DD_API_KEY={datadog}"),
            datadog,
        ),
    ]
}

/// The fake providers' answers, by path; `elsewhere` is the redirect target.
fn route(elsewhere: String) -> impl Fn(&Hit) -> Reply + Send + Sync + 'static {
    move |hit: &Hit| {
        let ok = |body: &str| Reply::Status(200, body.to_string());
        let p = hit.path.as_str();
        match () {
            _ if p == "/api.github.com/user" => ok(r#"{"login":"octocat","id":1}"#),
            _ if p == "/gitlab.com/api/v4/user" => Reply::Status(401, "{}".into()),
            _ if p == "/slack.com/api/auth.test" => ok(r#"{"ok":false,"error":"invalid_auth"}"#),
            _ if p == "/api.stripe.com/v1/balance" => Reply::Status(429, "{}".into()),
            _ if p.starts_with("/api.telegram.org/bot") => {
                ok(r#"{"ok":true,"result":{"id":1,"username":"acme_bot"}}"#)
            }
            _ if p == "/sts.amazonaws.com/" => Reply::Status(
                200,
                "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/deploy</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>".into(),
            ),
            _ if p == "/api.openai.com/v1/models" => Reply::Hang,
            _ if p == "/api.anthropic.com/v1/models" => Reply::Redirect(elsewhere.clone()),
            _ if p == "/registry.npmjs.org/-/whoami" => ok(r#"{"username":"npm-user"}"#),
            _ if p == "/huggingface.co/api/whoami-v2" => ok(r#"{"name":"hf-user"}"#),
            _ if p == "/api.digitalocean.com/v2/account" => Reply::Status(401, "{}".into()),
            _ if p == "/api.sendgrid.com/v3/scopes" => Reply::Status(403, "{}".into()),
            _ if p == "/api.datadoghq.com/api/v1/validate" => ok(r#"{"valid":true}"#),
            _ => Reply::Status(500, "{}".into()),
        }
    }
}

/// A tree with every fake secret (one file each) and a generic password.
fn tree() -> TestDir {
    let t = TestDir::new();
    for (rule, _, line, _) in secrets() {
        let name = if rule.starts_with("aws-") {
            "aws.env".to_string()
        } else {
            format!("{rule}.env")
        };
        let path = t.join(&name);
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        text.push_str(&line);
        text.push('\n');
        t.write(&name, text);
    }
    t.write("db.env", "DB_PASSWORD=Tr0ub4dor-7406BcG1\n");
    t
}

#[test]
fn every_state_is_reported_against_a_loopback_provider() {
    let elsewhere = FakeProvider::start(|_| Reply::Status(200, "{}".into()));
    let fake = FakeProvider::start(route(format!("{}/stolen", elsewhere.base())));
    let t = tree();
    let run = t.run_env(
        &[
            "dir",
            ".",
            "--verify",
            "--verify-timeout",
            "1",
            "-f",
            "json",
        ],
        &[(BASE_ENV, &fake.base())],
    );
    run.expect_code(1);
    let found = run.findings();
    let states: BTreeMap<&str, (String, Option<String>, Option<String>)> = found
        .iter()
        .map(|f| {
            let v = &f.verification;
            (
                f.rule_id.as_str(),
                (v.state.clone(), v.identity.clone(), v.reason.clone()),
            )
        })
        .collect();
    let want: &[(&str, &str, Option<&str>, Option<&str>)] = &[
        ("github-pat", "live", Some("octocat"), None),
        ("gitlab-pat", "revoked", None, None),
        ("slack-bot-token", "revoked", None, None),
        (
            "stripe-secret-key",
            "error",
            None,
            Some("rate limited (429)"),
        ),
        ("telegram-bot-token", "live", Some("acme_bot"), None),
        (
            "aws-secret-access-key",
            "live",
            Some("arn:aws:iam::123456789012:user/deploy"),
            None,
        ),
        (
            "aws-access-key-id",
            "live",
            Some("arn:aws:iam::123456789012:user/deploy"),
            None,
        ),
        ("openai-api-key", "error", None, Some("timeout")),
        (
            "anthropic-api-key",
            "error",
            None,
            Some("redirected (302): not followed"),
        ),
        ("npm-access-token", "live", Some("npm-user"), None),
        ("huggingface-access-token", "live", Some("hf-user"), None),
        ("digitalocean-pat", "revoked", None, None),
        ("sendgrid-api-key", "revoked", None, None),
        ("datadog-api-key", "live", None, None),
        (
            "generic-password",
            "unknown",
            None,
            Some("no verifier for this rule"),
        ),
    ];
    for (rule, state, identity, reason) in want {
        let got = states
            .get(rule)
            .unwrap_or_else(|| panic!("no {rule} finding: {run:#?}"));
        let expected = (
            state.to_string(),
            identity.map(String::from),
            reason.map(String::from),
        );
        assert_eq!(got, &expected, "{rule}");
    }
    assert_eq!(elsewhere.connections(), 0, "the redirect was followed");
    assert!(
        run.stderr.contains(
            "verified 13 distinct secret(s): 6 live, 4 revoked, 3 error(s); 1 finding(s) unknown"
        ),
        "{}",
        run.stderr
    );

    // Each secret went to its own provider's host only, once.
    let hits = fake.hits();
    assert_eq!(hits.len(), 13, "{hits:#?}");
    for hit in &hits {
        let host = hit.path.trim_start_matches('/').split('/').next().unwrap();
        let sent = format!("{} {:?} {}", hit.path, hit.headers, hit.body);
        for (rule, provider, _, secret) in secrets() {
            let aws_key_id = rule == "aws-access-key-id";
            if sent.contains(&secret) && !aws_key_id {
                assert_eq!(host, provider, "{rule}'s secret went to {host}");
            }
        }
    }
    let gh = hits
        .iter()
        .find(|h| h.path == "/api.github.com/user")
        .unwrap();
    assert_eq!(
        gh.header("authorization"),
        Some(format!("token {}", github_pat(1601)).as_str())
    );
    let sts = hits
        .iter()
        .find(|h| h.path == "/sts.amazonaws.com/")
        .unwrap();
    assert_eq!(sts.body, "Action=GetCallerIdentity&Version=2011-06-15");
    assert!(sts
        .header("authorization")
        .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 Credential=AKIA")
            && a.contains("/us-east-1/sts/aws4_request")));
}

#[test]
fn text_shows_the_state_beside_the_severity_and_where_to_revoke() {
    let fake = FakeProvider::start(|_| Reply::Status(200, r#"{"login":"octocat"}"#.into()));
    let t = TestDir::new();
    t.write("a.env", format!("GITHUB_TOKEN={}\n", github_pat(1620)));
    let run = t.run_env(&["dir", ".", "--verify"], &[(BASE_ENV, &fake.base())]);
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("github-pat [critical, high confidence, live: octocat]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  revoke: https://github.com/settings/tokens\n"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(&github_pat(1620)),
        "the secret is redacted"
    );
}

#[test]
fn a_secret_found_many_times_is_asked_once() {
    let fake = FakeProvider::start(|_| Reply::Status(200, r#"{"login":"octocat"}"#.into()));
    let t = TestDir::new();
    let pat = github_pat(1621);
    for i in 0..5 {
        t.write(
            format!("f{i}.env"),
            format!("GITHUB_TOKEN={pat}\nOTHER={pat}\n"),
        );
    }
    let run = t.run_env(
        &["dir", ".", "--verify", "-f", "json"],
        &[(BASE_ENV, &fake.base())],
    );
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.len(), 10);
    assert!(found.iter().all(|f| f.verification.state == "live"));
    assert_eq!(fake.hits().len(), 1);
    assert!(
        run.stderr.contains("verified 1 distinct secret(s): 1 live"),
        "{}",
        run.stderr
    );
}

#[test]
fn nothing_is_sent_without_verify() {
    let fake = FakeProvider::start(|_| Reply::Status(200, "{}".into()));
    let t = tree();
    let proxy = fake.base();
    let env = [
        (BASE_ENV, proxy.as_str()),
        ("HTTPS_PROXY", proxy.as_str()),
        ("HTTP_PROXY", proxy.as_str()),
        ("ALL_PROXY", proxy.as_str()),
    ];
    for format in ["json", "text", "sarif"] {
        let run = t.run_env(&["dir", ".", "-f", format], &env);
        run.expect_code(1);
        if format == "json" {
            let found = run.findings();
            assert!(found.iter().all(|f| f.verification.state == "unknown"
                && f.verification.reason.as_deref() == Some("not checked (no --verify)")));
        }
    }
    assert_eq!(fake.connections(), 0, "a scan without --verify connected");
}

#[test]
fn only_verified_keeps_the_live_findings() {
    let fake = FakeProvider::start(route(String::from("http://127.0.0.1:9/")));
    let t = tree();
    let run = t.run_env(
        &[
            "dir",
            ".",
            "--verify",
            "--only-verified",
            "--verify-timeout",
            "1",
            "-f",
            "json",
        ],
        &[(BASE_ENV, &fake.base())],
    );
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.len(), 7, "{found:#?}");
    assert!(found.iter().all(|f| f.verification.state == "live"));

    let dead = FakeProvider::start(|_| Reply::Status(401, "{}".into()));
    let t = TestDir::new();
    t.write("a.env", format!("GITHUB_TOKEN={}\n", github_pat(1622)));
    let run = t.run_env(
        &["dir", ".", "--verify", "--only-verified", "-f", "json"],
        &[(BASE_ENV, &dead.base())],
    );
    run.expect_code(0);
    assert!(run.findings().is_empty());

    let run = t.run(&["dir", ".", "--only-verified"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--verify"), "{}", run.stderr);
}

#[test]
fn sarif_raises_a_live_key_to_error_and_carries_the_remediation() {
    let fake = FakeProvider::start(|_| Reply::Status(200, r#"{"username":"npm-user"}"#.into()));
    let t = TestDir::new();
    t.write("a.env", format!("NPM_TOKEN={}\n", npm_token(1623)));
    let run = t.run_env(
        &["dir", ".", "--verify", "-f", "sarif"],
        &[(BASE_ENV, &fake.base())],
    );
    run.expect_code(1);
    let log = run.sarif();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["level"], "error");
    assert_eq!(result["properties"]["verification"], "live");
    assert_eq!(result["properties"]["verificationIdentity"], "npm-user");
    let help = log["runs"][0]["tool"]["driver"]["rules"][0]["help"]["markdown"]
        .as_str()
        .unwrap();
    assert!(
        help.contains("**Revoke:** <https://www.npmjs.com/settings/~/tokens>"),
        "{help}"
    );
    assert!(
        help.contains("**Rotate:**") && help.contains("**Check the logs:**"),
        "{help}"
    );
}

#[test]
fn json_carries_the_remediation_of_every_finding() {
    let t = tree();
    let run = t.run(&["dir", ".", "-f", "json"]);
    run.expect_code(1);
    for f in run.findings() {
        let r = f
            .remediation
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no remediation", f.rule_id));
        assert!(
            r.rotate.as_deref().is_some_and(|s| !s.is_empty()),
            "{}",
            f.rule_id
        );
        if f.rule_id != "generic-password" {
            assert!(
                r.revoke
                    .as_deref()
                    .is_some_and(|u| u.starts_with("https://")),
                "{}",
                f.rule_id
            );
        }
    }
}

#[test]
fn the_test_hook_only_takes_a_loopback_target() {
    let t = TestDir::new();
    t.write("a.env", format!("GITHUB_TOKEN={}\n", github_pat(1624)));
    let run = t.run_env(
        &["dir", ".", "--verify"],
        &[(BASE_ENV, "http://example.com:80")],
    );
    run.expect_code(2);
    assert_eq!(run.stderr_lines().len(), 1, "{run:#?}");
    assert!(run.stderr.contains("must be a loopback"), "{}", run.stderr);
}

const ACME_VERIFY: &str = r#"
[[rules]]
id = "acme-api-key"
description = "Acme API key"
regex = '''\b(acme_[0-9A-Za-z]{32})\b'''
secretGroup = 1
keywords = ["acme_"]
[rules.verify]
url = "https://api.acme.example/v1/me"
headers = { Authorization = "Bearer {secret}" }
live = [200]
revoked = [401]
identity = "/name"
"#;

#[test]
fn a_config_found_in_the_tree_cannot_define_verifiers() {
    let fake = FakeProvider::start(|_| Reply::Status(200, r#"{"name":"acme-user"}"#.into()));
    let t = TestDir::new();
    t.write(".leakhound.toml", ACME_VERIFY);
    t.write(
        "a.env",
        format!("KEY={}{}\n", "acme_", base62_noise(1625, 32)),
    );
    let env = [(BASE_ENV, fake.base())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = t.run_env(&["dir", ".", "--verify", "-f", "json"], &env);
    run.expect_code(1);
    assert_eq!(run.findings()[0].verification.state, "unknown");
    assert!(
        run.stderr.contains("1 verifier(s) ignored"),
        "{}",
        run.stderr
    );
    assert_eq!(fake.connections(), 0);

    // Named with -c, the user's own verifier is used, and sends to its host.
    let run = t.run_env(
        &[
            "dir",
            ".",
            "--verify",
            "-f",
            "json",
            "-c",
            ".leakhound.toml",
        ],
        &env,
    );
    run.expect_code(1);
    let f = &run.findings()[0];
    assert_eq!(f.verification.state, "live");
    assert_eq!(f.verification.identity.as_deref(), Some("acme-user"));
    assert_eq!(fake.hits()[0].path, "/api.acme.example/v1/me");
}

#[test]
fn a_verifier_that_is_not_https_is_a_config_error() {
    let t = TestDir::new();
    t.write("c.toml", ACME_VERIFY.replace("https://api", "http://api"));
    t.write("a.env", "nothing\n");
    let run = t.run(&["dir", ".", "-c", "c.toml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("rule 'acme-api-key': verify: url"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr_lines().len(), 1);
}

/// Providers with a built-in verifier: the bar is 25.
#[test]
fn at_least_25_providers_have_a_verifier() {
    let config = leakhound::Config::builtin().unwrap();
    let rules = leakhound::RuleSet::new(&config).unwrap();
    let mut providers: Vec<&str> = rules
        .rules()
        .iter()
        .filter(|r| r.verifier.is_some())
        .map(|r| r.at.file.trim_start_matches("builtin:rules/"))
        .collect();
    providers.dedup();
    assert!(providers.len() >= 25, "{providers:?}");

    // `rules list` names the one host each rule's secrets may be sent to.
    let run = TestDir::new().run(&["rules", "list", "--format", "json"]);
    run.expect_code(0);
    let listed: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    let host = |id: &str| listed.iter().find(|r| r["id"] == id).unwrap()["verify_host"].clone();
    assert_eq!(host("github-pat"), "api.github.com");
    assert_eq!(host("aws-secret-access-key"), "sts.amazonaws.com");
    assert_eq!(host("generic-password"), Value::Null);
    let remediation = &listed.iter().find(|r| r["id"] == "github-pat").unwrap()["remediation"];
    assert_eq!(remediation["revoke"], "https://github.com/settings/tokens");
}
