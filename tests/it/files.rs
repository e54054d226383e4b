//! Files that are secrets by nature (`rules/file.toml`): a tracked `.env`,
//! `.npmrc`, `.netrc`, a private key file, a keystore, Terraform state, ...
//! Each is reported once, at line 1, without its text, when its content
//! looks like the real thing and no other rule reported a secret in it; in
//! every source that has paths (a directory, a history, a range, the index).

use crate::support::{github_pat, JsonFinding, TestDir, TestRepo};

/// A Java keystore's first bytes (magic 0xFEEDFEED, version 2, one entry).
const JKS: &[u8] =
    b"\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x01\x00\x07release";
/// A PKCS#12 file's first bytes: SEQUENCE, two length bytes, INTEGER 3.
const P12: &[u8] = b"\x30\x82\x09\xd1\x02\x01\x03\x30\x82\x09\x97\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\x00\x00";

/// `(path, rule id)` of each file finding (rule ids `file-*`), sorted.
fn file_findings(found: &[JsonFinding]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = found
        .iter()
        .filter(|f| f.rule_id.starts_with("file-"))
        .map(|f| (f.path.clone(), f.rule_id.clone()))
        .collect();
    out.sort();
    out
}

/// Each finding's path, rule and commit, sorted.
fn placed(found: &[JsonFinding]) -> Vec<(String, String, String)> {
    let mut got: Vec<_> = found
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.rule_id.clone(),
                f.commit.clone().unwrap_or_default(),
            )
        })
        .collect();
    got.sort();
    got
}

fn pair(path: &str, rule: &str) -> (String, String) {
    (path.to_string(), rule.to_string())
}

/// Each kind of file, and a near miss of each, in one tree.
#[test]
fn each_kind_of_secret_file_is_reported_once_and_its_near_misses_are_not() {
    let t = TestDir::new();
    let files: &[(&str, &[u8], Option<&str>)] = &[
        (".env", b"NODE_ENV=production\nMAIL_PASSWORD=hunter2\n", Some("file-dotenv")),
        ("web/.env.production.local", b"export API_TOKEN='abc-123'\n", Some("file-dotenv")),
        (".env.example", b"MAIL_PASSWORD=hunter2\n", None),
        ("api/.env.sample", b"MAIL_PASSWORD=hunter2\n", None),
        ("tpl/.env.template", b"MAIL_PASSWORD=hunter2\n", None),
        ("dist/.env.dist", b"MAIL_PASSWORD=hunter2\n", None),
        ("empty/.env", b"", None),
        ("unset/.env", b"DB_PASSWORD=\nAPI_TOKEN=${API_TOKEN}\nSECRET=<secret>\n", None),
        ("plain/.env", b"NODE_ENV=production\nPORT=3000\n", None),
        (".npmrc", b"//npm.example.com/:_auth=short1\n", Some("file-npmrc")),
        ("pkg/.npmrc", b"", None),
        ("ref/.npmrc", b"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", None),
        (".pypirc", b"[pypi]\nusername = alice\npassword = hunter2\n", Some("file-pypirc")),
        ("idx/.pypirc", b"[distutils]\nindex-servers = pypi\n", None),
        (".netrc", b"machine ftp.example.com login alice password kitten\n", Some("file-netrc")),
        ("anon/.netrc", b"machine ftp.example.com login anonymous\n", None),
        (".git-credentials", b"https://alice:pass1@git.example.com\n", Some("file-git-credentials")),
        ("bare/.git-credentials", b"https://git.example.com\n", None),
        (".pgpass", b"db.example.com:5432:app:alice:kitten\n", Some("file-pgpass")),
        ("doc/.pgpass", b"# hostname:port:database:username:password\n", None),
        (".htpasswd", b"carol:{SHA}Xb8Fq2nLw4Rz7Tk1Vp9Cd3Hs6Mj0Ya5Eu=\n", Some("file-htpasswd")),
        ("none/.htpasswd", b"", None),
        (".docker/config.json", b"{\"auths\": {\"r.example.com\": {\"auth\": \"YWI6Y2Q=\"}}}\n", Some("file-docker-config")),
        ("helper/.docker/config.json", b"{\"credsStore\": \"desktop\"}\n", None),
        (
            ".ssh/id_ed25519",
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0\n-----END OPENSSH PRIVATE KEY-----\n",
            Some("file-private-key"),
        ),
        ("pub/.ssh/id_ed25519.pub", b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFake alice\n", None),
        ("certs/ca.pem", b"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYD\n-----END CERTIFICATE-----\n", None),
        ("android/release.jks", JKS, Some("file-java-keystore")),
        ("android/not-a-keystore.jks", b"this is a text file named .jks\n", None),
        ("android/zipped.jks", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00", None),
        ("signing/release.p12", P12, Some("file-pkcs12")),
        ("signing/cert.der", P12, None),
        ("infra/terraform.tfstate", b"{\"version\": 4, \"resources\": [{\"mode\": \"managed\", \"type\": \"aws_db_instance\"}]}\n", Some("file-terraform-state")),
        ("infra/terraform.tfstate.backup", b"{\"version\": 4, \"resources\": []}\n", None),
        (".aws/credentials", b"[default]\naws_secret_access_key = kitten12\n", Some("file-aws-credentials")),
        ("empty/.aws/credentials", b"[default]\n", None),
        ("gcp/sa.json", b"{\"type\": \"service_account\", \"private_key_id\": \"4f3c9a1b2d5e6f708192a3b4c5d6e7f809a1b2c3\"}\n", Some("file-gcp-service-account")),
        ("gcp/other.json", b"{\"type\": \"service_account\", \"project_id\": \"acme\"}\n", None),
        (".kube/config", b"users:\n- name: admin\n  user:\n    password: kitten\n", Some("file-kubeconfig")),
        ("exec/.kube/config", b"users:\n- name: admin\n  user:\n    exec:\n      command: aws\n", None),
    ];
    for (path, content, _) in files {
        t.write(path, content);
    }
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    let mut expected: Vec<(String, String)> = files
        .iter()
        .filter_map(|(p, _, rule)| rule.map(|r| pair(p, r)))
        .collect();
    expected.sort();
    assert_eq!(file_findings(&found), expected, "{found:#?}");
    for f in found.iter().filter(|f| f.rule_id.starts_with("file-")) {
        assert_eq!((f.line, f.column), (1, 1), "{f:#?}");
        let remediation = f.remediation.as_ref().expect("a remediation");
        let rotate = remediation.rotate.as_deref().unwrap_or_default();
        assert!(
            rotate.contains("history") && rotate.contains(".gitignore"),
            "{rotate}"
        );
        for (path, content, _) in files.iter().filter(|(p, ..)| *p == f.path) {
            let text = String::from_utf8_lossy(content);
            let value = text.lines().last().unwrap_or_default().to_string();
            assert!(
                !f.matched.contains(&value) && !f.secret.contains(&value),
                "{path}: the report shows the file's text: {f:#?}"
            );
        }
    }
    let confidence = |rule: &str| {
        found
            .iter()
            .find(|f| f.rule_id == rule)
            .map(|f| f.confidence.clone())
    };
    assert_eq!(confidence("file-private-key").as_deref(), Some("high"));
    assert_eq!(confidence("file-git-credentials").as_deref(), Some("high"));
    assert_eq!(confidence("file-dotenv").as_deref(), Some("medium"));
}

/// A `.env` whose secret a content rule reports is that finding only: the
/// file finding would say less about the same leak.
#[test]
fn a_file_whose_secret_another_rule_reports_is_that_finding_only() {
    let t = TestDir::new();
    t.write(
        ".env",
        format!("GITHUB_TOKEN={}\nMAIL_PASSWORD=hunter2\n", github_pat(14)),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    let rules: Vec<&str> = found.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, ["github-pat"], "{found:#?}");
}

/// Standard input has no path: no file finding, whatever it holds.
#[test]
fn standard_input_is_never_a_file_finding() {
    let t = TestDir::new();
    let run = t.run_stdin(
        &["stdin", "--label", ".env", "--format", "json"],
        "MAIL_PASSWORD=hunter2\n",
    );
    run.expect_code(0);
    assert!(run.findings().is_empty());
}

/// History: a `.env` and a keystore committed in the past are reported
/// once each, with the commit that added them; an edit to the `.env` that
/// changes no credential is no new finding, one that changes one is.
#[test]
fn a_history_reports_each_secret_file_at_the_commit_that_added_it() {
    let repo = TestRepo::with_readme();
    let added = repo.commit_file(".env", "MAIL_PASSWORD=hunter2\n", "Add env");
    repo.commit_file(".env", "MAIL_PASSWORD=hunter2\nPORT=3000\n", "Port");
    let keystore = repo.commit_file("app/release.jks", JKS, "Signing");
    repo.commit_file("app/fake.jks", "not a keystore\n", "Fake");
    let changed = repo.commit_file(".env", "MAIL_PASSWORD=kitten\nPORT=3000\n", "Rotate");
    let (run, found) = repo.json(&["git", "."]);
    run.expect_code(1);
    let got = placed(&found);
    let mut want = vec![
        (".env".to_string(), "file-dotenv".to_string(), added),
        (".env".to_string(), "file-dotenv".to_string(), changed),
        (
            "app/release.jks".to_string(),
            "file-java-keystore".to_string(),
            keystore,
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{found:#?}");
}

/// A history's blobs are first scanned without a path, where a file rule's
/// content test alone matches many blobs; the blob's place in the trees
/// decides. The same blob at a plain name is not reported (nor said to be
/// unreachable), at `.env` it is; a rule whose path names a directory
/// (`.aws/credentials`) still applies.
#[test]
fn a_history_judges_a_secret_file_by_where_its_blob_sits() {
    let repo = TestRepo::with_readme();
    let mail = "MAIL_PASSWORD=hunter2\n";
    repo.commit_file("docs/mail.txt", mail, "Docs");
    repo.commit_file("docs/token.txt", "API_TOKEN=abc-def-123\n", "Token");
    repo.commit_file(
        "docs/credentials",
        "aws_secret_access_key = kitten12\n",
        "Notes",
    );
    let env = repo.commit_file("deploy/.env", mail, "Env");
    let aws = repo.commit_file(
        "home/.aws/credentials",
        "aws_secret_access_key = kitten12\n",
        "AWS",
    );
    let (run, found) = repo.json(&["git", "."]);
    run.expect_code(1);
    let got = placed(&found);
    let want = vec![
        ("deploy/.env".to_string(), "file-dotenv".to_string(), env),
        (
            "home/.aws/credentials".to_string(),
            "file-aws-credentials".to_string(),
            aws,
        ),
    ];
    assert_eq!(got, want, "{found:#?}");
    assert!(!run.stderr.contains("not reachable"), "{}", run.stderr);
}

/// A range reports a secret file a commit adds, even on no added line of
/// its own (a binary keystore has none), and not an edit that changes no
/// credential.
#[test]
fn a_range_reports_the_secret_files_it_adds() {
    let repo = TestRepo::with_readme();
    let base = repo.head();
    repo.commit_file(".env", "MAIL_PASSWORD=hunter2\n", "Add env");
    repo.commit_file("app/release.jks", JKS, "Signing");
    let (run, found) = repo.json(&["git", ".", "--range", &format!("{base}..HEAD")]);
    run.expect_code(1);
    let mut got = file_findings(&found);
    got.sort();
    assert_eq!(
        got,
        [
            pair(".env", "file-dotenv"),
            pair("app/release.jks", "file-java-keystore")
        ],
        "{found:#?}"
    );
    let next = repo.head();
    repo.commit_file(".env", "MAIL_PASSWORD=hunter2\nPORT=3000\n", "Port");
    let (run, found) = repo.json(&["git", ".", "--range", &format!("{next}..HEAD")]);
    run.expect_code(0);
    assert!(found.is_empty(), "{found:#?}");
}

/// The index: a staged `.env` and a staged keystore are what the
/// pre-commit hook stops.
#[test]
fn staged_secret_files_are_reported() {
    let repo = TestRepo::with_readme();
    repo.write(".env", "MAIL_PASSWORD=hunter2\n");
    repo.write("app/release.p12", P12);
    repo.stage(&[".env", "app/release.p12"]);
    let (run, found) = repo.json(&["staged", "."]);
    run.expect_code(1);
    assert_eq!(
        file_findings(&found),
        [
            pair(".env", "file-dotenv"),
            pair("app/release.p12", "file-pkcs12")
        ],
        "{found:#?}"
    );
}
