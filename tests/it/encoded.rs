//! Decoding: secrets written base64, base64url, hex or percent-encoded are
//! found, reported at the encoded text with the chain of decodings, under
//! their own fingerprint, and never shown encoded in clear.

use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};

use crate::support::{github_pat, loc, locations, JsonFinding, TestDir};

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// `(path, line, column, rule, decoded)` of each finding.
fn places(found: &[JsonFinding]) -> Vec<(String, usize, usize, String, Vec<String>)> {
    found
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.line,
                f.column,
                f.rule_id.clone(),
                f.decoded.clone(),
            )
        })
        .collect()
}

fn place(
    path: &str,
    line: usize,
    column: usize,
    rule: &str,
    decoded: &[&str],
) -> (String, usize, usize, String, Vec<String>) {
    (
        path.into(),
        line,
        column,
        rule.into(),
        decoded.iter().map(|d| d.to_string()).collect(),
    )
}

#[test]
fn each_encoding_is_decoded_and_reported_at_the_encoded_text() {
    let t = TestDir::new();
    let pat = github_pat(801);
    // base64url of bytes that need '-' or '_' in that alphabet.
    let url = URL_SAFE_NO_PAD.encode(format!(">>?{pat}?>>"));
    assert!(url.contains('-') || url.contains('_'), "{url}");
    t.write(
        "b64.yaml",
        format!("kind: x\nblob: {}\n", STANDARD.encode(&pat)),
    );
    t.write("url.txt", format!("state={url}\n"));
    t.write(
        "hex.rs",
        format!("// fixture\nconst T: &str = \"{}\";\n", hex(&pat)),
    );
    t.write(
        "hook.txt",
        format!(
            "GET https://hooks.example.test/cb?t={} HTTP/1.1\n",
            percent(&pat)
        ),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(
        places(&found),
        vec![
            place("b64.yaml", 2, 7, "github-pat", &["base64"]),
            place("hex.rs", 2, 18, "github-pat", &["hex"]),
            place("hook.txt", 1, 5, "github-pat", &["percent"]),
            place("url.txt", 1, 7, "github-pat", &["base64url"]),
        ]
    );
    // The fingerprint is the secret's own: the same as the plain token's.
    t.write("plain.env", format!("T={pat}\n"));
    let plain = t.run(&["dir", "plain.env", "--format", "json"]).findings();
    assert!(found.iter().all(|f| f.fingerprint == plain[0].fingerprint));
    // With --show-secrets the secret is the decoded token.
    let shown = t.run(&["dir", "b64.yaml", "--format", "json", "--show-secrets"]);
    assert_eq!(shown.findings()[0].secret, pat);
}

#[test]
fn decoding_depth_limits_nesting_and_zero_turns_it_off() {
    let t = TestDir::new();
    let pat = github_pat(802);
    let twice = STANDARD.encode(STANDARD.encode(&pat));
    t.write("twice.txt", format!("payload: {twice}\n"));
    t.write("once.txt", format!("payload: {}\n", hex(&pat)));

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        places(&run.findings()),
        vec![
            place("once.txt", 1, 10, "github-pat", &["hex"]),
            place("twice.txt", 1, 10, "github-pat", &["base64", "base64"]),
        ]
    );
    let one = t.run(&["dir", ".", "--format", "json", "--max-decode-depth", "1"]);
    assert_eq!(
        locations(&one.findings()),
        vec![loc("once.txt", 1, "github-pat")]
    );
    t.run(&["dir", ".", "--max-decode-depth", "0"])
        .expect_code(0);
}

#[test]
fn a_kubernetes_secret_manifest_is_read_through_its_base64_values() {
    let t = TestDir::new();
    let pat = github_pat(803);
    let password = "Vq8#nT2xLp5!rZ7w";
    t.write(
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  DB_HOST: {}\n  DB_PASSWORD: {}\n  GITHUB_TOKEN: {}\n",
            STANDARD.encode("db.internal.example"),
            STANDARD.encode(password),
            STANDARD.encode(&pat),
        ),
    );
    let run = t.run(&["dir", ".", "--format", "json", "--show-secrets"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(
        places(&found),
        vec![
            // The manifest rule reports the value as written; the generic
            // rule's decoded finding at the same place gives way to it.
            place("k8s/secret.yaml", 8, 16, "kubernetes-secret-manifest", &[]),
            place("k8s/secret.yaml", 9, 17, "github-pat", &["base64"]),
        ]
    );
    assert_eq!(found[0].secret, STANDARD.encode(password));
    assert_eq!(found[1].secret, pat);
    // Without the manifest rule, the password is found through its base64.
    t.write(
        "lh.toml",
        "[extend]\ndisabledRules = [\"kubernetes-secret-manifest\"]\n",
    );
    let run = t.run(&[
        "dir",
        "k8s",
        "-c",
        "lh.toml",
        "--format",
        "json",
        "--show-secrets",
    ]);
    let found = run.findings();
    assert_eq!(
        places(&found)[0],
        place("k8s/secret.yaml", 8, 16, "generic-password", &["base64"])
    );
    assert_eq!(found[0].secret, password);
}

#[test]
fn docker_config_auths_are_found() {
    let t = TestDir::new();
    let auth = STANDARD.encode("deploy-bot:Qm7vX2pL9sK4tR8w");
    t.write(
        ".docker/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"registry.example.com\": {{\n      \"auth\": \"{auth}\"\n    }}\n  }}\n}}\n"
        ),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc(".docker/config.json", 4, "docker-config-auth")]
    );
}

#[test]
fn encoded_secrets_are_redacted_in_every_format() {
    let t = TestDir::new();
    let pat = github_pat(804);
    let encoded = STANDARD.encode(&pat);
    t.write(
        "values.yaml",
        format!("token: {encoded}\nother: {}\n", hex(&pat)),
    );
    for format in ["text", "json", "sarif"] {
        let run = t.run(&["dir", ".", "--format", format]);
        run.expect_code(1);
        for hidden in [&pat, &encoded, &hex(&pat)] {
            assert!(
                !run.stdout.contains(hidden.as_str()),
                "{format} shows {hidden}: {}",
                run.stdout
            );
        }
    }
    let text = t.run(&["dir", "."]);
    assert!(text.stdout.contains("decoded: base64"), "{}", text.stdout);
    let sarif = t.run(&["dir", ".", "--format", "sarif"]).sarif();
    let decoded = &sarif["runs"][0]["results"][0]["properties"]["decoded"];
    assert_eq!(decoded, &serde_json::json!(["base64"]));
}

#[test]
fn identifiers_hashes_and_binary_base64_are_not_findings() {
    let t = TestDir::new();
    let png = STANDARD.encode((0u8..=255).cycle().take(600).collect::<Vec<u8>>());
    t.write(
        "src/lib.rs",
        format!(
            "fn compute_the_long_function_name_here() {{}}\n\
             const SHA: &str = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\";\n\
             const ICON: &str = \"{png}\";\n\
             // see https://example.com/search?q=caf%C3%A9%20au%20lait&page=2\n\
             const PATH: &str = \"src/main/java/com/example/service/Handler.java\";\n"
        ),
    );
    t.run(&["dir", ".", "--format", "json"]).expect_code(0);
}
