//! `leakhound dir`: what is scanned, what is skipped and said so.

use std::{
    ffi::OsStr, fs, os::unix::ffi::OsStrExt, os::unix::fs::symlink, os::unix::fs::PermissionsExt,
};

use crate::support::{acme_key, github_pat, loc, locations, TestDir, TestRepo, ACME_RULE};

#[test]
fn finds_secrets_in_code_env_yaml_and_json() {
    let t = TestDir::new();
    let (a, b, c, d) = (github_pat(1), github_pat(2), github_pat(3), github_pat(4));
    t.write(
        "src/app/client.py",
        format!(
            "import os\n\n\nclass Client:\n    def __init__(self):\n        self.token = \"{a}\"\n"
        ),
    );
    t.write(
        ".env",
        format!("# local settings\nDEBUG=1\nGITHUB_TOKEN={b}\n"),
    );
    t.write(
        "deploy/values.yaml",
        format!("replicas: 2\nenv:\n  - name: GH_TOKEN\n    value: '{c}'\n"),
    );
    t.write(
        "config/settings.json",
        format!("{{\n  \"name\": \"svc\",\n  \"auth\": {{\n    \"github\": \"{d}\"\n  }}\n}}\n"),
    );
    t.write("README.md", "# nothing to see\n");
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(
        locations(&found),
        vec![
            loc(".env", 3, "github-pat"),
            loc("config/settings.json", 4, "github-pat"),
            loc("deploy/values.yaml", 4, "github-pat"),
            loc("src/app/client.py", 6, "github-pat"),
        ]
    );
    // Each finding is its own secret: four distinct fingerprints.
    let prints: std::collections::BTreeSet<&str> =
        found.iter().map(|f| f.fingerprint.as_str()).collect();
    assert_eq!(prints.len(), 4);
}

#[test]
fn the_default_path_is_the_current_directory() {
    let t = TestDir::new();
    t.write("a/b/c.txt", format!("token {}\n", github_pat(5)));
    let run = t.run(&["dir", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("a/b/c.txt", 1, "github-pat")]
    );
}

#[test]
fn several_roots_and_a_single_file_can_be_named() {
    let t = TestDir::new();
    t.write("one/a.txt", format!("t={}\n", github_pat(6)));
    t.write("two/b.txt", format!("t={}\n", github_pat(7)));
    t.write("three/c.txt", format!("t={}\n", github_pat(8)));
    let run = t.run(&["dir", "one", "two/b.txt", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("one/a.txt", 1, "github-pat"),
            loc("two/b.txt", 1, "github-pat")
        ]
    );
}

#[test]
fn gitignore_is_respected_and_no_ignore_overrides_it() {
    let t = TestDir::new();
    t.write(".gitignore", "secrets/\n*.log\n");
    t.write("sub/.gitignore", "local.env\n");
    t.write(".ignore", "scratch.txt\n");
    t.write("app.py", format!("T = '{}'\n", github_pat(10)));
    t.write("secrets/prod.env", format!("T={}\n", github_pat(11)));
    t.write("debug.log", format!("T={}\n", github_pat(12)));
    t.write("sub/local.env", format!("T={}\n", github_pat(13)));
    t.write("scratch.txt", format!("T={}\n", github_pat(14)));

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("app.py", 1, "github-pat")]
    );

    let run = t.run(&["dir", ".", "--no-ignore", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("app.py", 1, "github-pat"),
            loc("debug.log", 1, "github-pat"),
            loc("scratch.txt", 1, "github-pat"),
            loc("secrets/prod.env", 1, "github-pat"),
            loc("sub/local.env", 1, "github-pat"),
        ]
    );
}

#[test]
fn gitignore_is_respected_inside_a_git_work_tree() {
    let t = TestDir::new();
    t.mkdir(".git");
    t.write(".gitignore", "build/\n");
    t.write("build/out.js", format!("var t='{}';\n", github_pat(15)));
    t.write("src/in.js", format!("var t='{}';\n", github_pat(16)));
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("src/in.js", 1, "github-pat")]
    );
}

#[test]
fn dot_git_is_never_scanned() {
    let t = TestDir::new();
    t.write(
        ".git/config",
        format!(
            "[remote]\n\turl = https://x:{}@github.com/a/b\n",
            github_pat(20)
        ),
    );
    t.write(".git/logs/HEAD", format!("token {}\n", github_pat(21)));
    t.write(
        "vendor/lib/.git/config",
        format!("url = {}\n", github_pat(22)),
    );
    t.write("ok.txt", "nothing\n");
    for extra in [&[][..], &["--no-ignore"][..]] {
        let mut args = vec!["dir", ".", "--format", "json"];
        args.extend_from_slice(extra);
        let run = t.run(&args);
        run.expect_code(0);
        assert_eq!(run.findings(), vec![], "args {args:?}");
    }
    // Other hidden files are scanned.
    t.write(
        ".config/tool.toml",
        format!("token = '{}'\n", github_pat(23)),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc(".config/tool.toml", 1, "github-pat")]
    );
}

#[test]
fn binary_files_are_skipped_and_counted_in_the_summary() {
    let t = TestDir::new();
    let mut bin = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bin.extend_from_slice(format!(" token={} ", github_pat(30)).as_bytes());
    t.write("tool.bin", &bin);
    t.write("clean.txt", "hello\n");

    let run = t.run(&["dir", "."]);
    run.expect_code(0);
    let summary = run.stdout.lines().last().unwrap_or_default();
    assert!(summary.starts_with("no leaks found"), "{run:#?}");
    assert!(summary.contains("1 files"), "scanned count: {summary}");
    assert!(
        summary.contains("skipped 1 (binary 1)"),
        "skip count: {summary}"
    );

    // Non-text formats put the summary on stderr.
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.findings(), vec![]);
    assert!(run.stderr.contains("skipped 1 (binary 1)"), "{run:#?}");

    // -v names the skipped file.
    let run = t.run(&["dir", ".", "-v"]);
    assert!(
        run.stderr.contains("tool.bin") && run.stderr.contains("binary"),
        "{run:#?}"
    );
}

#[test]
fn a_nul_byte_after_the_first_8_kib_does_not_make_a_file_binary() {
    let t = TestDir::new();
    let mut data = format!("key: {}\n", github_pat(31)).into_bytes();
    data.resize(9 * 1024, b' ');
    data.push(0);
    t.write("late-nul.dat", &data);
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("late-nul.dat", 1, "github-pat")]
    );
}

#[test]
fn invalid_utf8_content_is_still_scanned() {
    let t = TestDir::new();
    let mut data = b"caf\xe9 \xff\xfe latin-1 text\n".to_vec();
    data.extend_from_slice(b"\xc3\x28 key=");
    data.extend_from_slice(github_pat(32).as_bytes());
    data.extend_from_slice(b" \x80\x81\n");
    t.write("latin1.txt", &data);
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(locations(&found), vec![loc("latin1.txt", 2, "github-pat")]);
    // Columns count bytes: "\xc3\x28 key=" is 7 bytes.
    assert_eq!((found[0].column, found[0].end_column), (8, 48));
}

#[test]
fn max_file_size_skips_big_files_and_can_be_raised() {
    let t = TestDir::new();
    let secret = github_pat(33);
    let filler = "lorem ipsum dolor sit amet, ";
    let half = 10 * 1024 * 1024 / filler.len();
    let mut line = String::with_capacity(21 * 1024 * 1024);
    for _ in 0..half {
        line.push_str(filler);
    }
    let offset = line.len();
    line.push_str(&format!("\"token\":\"{secret}\", "));
    for _ in 0..half {
        line.push_str(filler);
    }
    assert!(line.len() > 20_000_000 && !line.contains('\n'));
    t.write("minified.js", &line);
    t.write("small.txt", "nothing\n");

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(0);
    assert_eq!(run.findings(), vec![]);
    assert!(run.stderr.contains("skipped 1 (too-large 1)"), "{run:#?}");

    let run = t.run(&["dir", ".", "--max-file-size", "30MiB", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(locations(&found), vec![loc("minified.js", 1, "github-pat")]);
    assert_eq!(found[0].column, offset + "\"token\":\"".len() + 1);
    assert!(!run.stderr.contains("skipped"), "{run:#?}");
}

#[test]
fn max_file_size_accepts_plain_bytes() {
    let t = TestDir::new();
    t.write("a.txt", format!("t={}\n", github_pat(34)));
    let run = t.run(&["dir", ".", "--max-file-size", "10", "--format", "json"]);
    run.expect_code(0);
    assert!(run.stderr.contains("too-large 1"), "{run:#?}");
}

#[test]
fn an_unreadable_file_is_reported_and_the_scan_goes_on() {
    let t = TestDir::new();
    let locked = t.write("locked.env", format!("T={}\n", github_pat(40)));
    t.write("open.env", format!("T={}\n", github_pat(41)));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let bypass = crate::support::can_read_unreadable(&locked);

    let run = t.run(&["dir", ".", "--format", "json"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o600)).unwrap();
    run.expect_code(1);
    let found = run.findings();
    assert!(
        locations(&found).contains(&loc("open.env", 1, "github-pat")),
        "the readable file is still scanned: {run:#?}"
    );
    if !bypass {
        // Only meaningful when permissions apply (not root).
        assert_eq!(found.len(), 1);
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains("locked.env") && l.contains("cannot read")),
            "the unreadable file is named on stderr: {run:#?}"
        );
        assert!(run.stderr.contains("unreadable 1"), "{run:#?}");
    }
}

#[test]
fn symlinks_are_not_followed_and_loops_do_not_hang() {
    let t = TestDir::new();
    let outside = TestDir::new();
    let target = outside.write("secret.env", format!("T={}\n", github_pat(50)));
    t.write("real.env", format!("T={}\n", github_pat(51)));
    t.mkdir("dir");
    symlink(&target, t.join("link-outside.env")).unwrap();
    symlink(t.join("real.env"), t.join("link-inside.env")).unwrap();
    symlink("loop-b", t.join("loop-a")).unwrap();
    symlink("loop-a", t.join("loop-b")).unwrap();
    symlink("..", t.join("dir/up")).unwrap();
    symlink(".", t.join("self")).unwrap();

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    // Only the real file: the link to it and the link outside are not followed.
    assert_eq!(
        locations(&run.findings()),
        vec![loc("real.env", 1, "github-pat")]
    );
    assert!(
        run.stderr.contains("skipped 6 (symlink 6)"),
        "the six links are counted: {run:#?}"
    );
    assert!(!run.stderr.contains("error"), "{run:#?}");
}

#[test]
fn a_looping_or_dangling_link_given_as_a_path_is_reported_and_the_scan_goes_on() {
    // Unlike chmod 000, this is unreadable for root too.
    let t = TestDir::new();
    symlink("loop-b", t.join("loop-a")).unwrap();
    symlink("loop-a", t.join("loop-b")).unwrap();
    symlink("nowhere", t.join("dangling")).unwrap();
    t.write("ok.env", format!("T={}\n", github_pat(52)));
    let run = t.run(&["dir", "loop-a", "dangling", "ok.env", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("ok.env", 1, "github-pat")]
    );
    for name in ["loop-a", "dangling"] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(&format!("leakhound: skipped {name}: cannot read"))),
            "{name} is named on stderr: {run:#?}"
        );
    }
    assert!(run.stderr.contains("unreadable 2"), "{run:#?}");
}

#[test]
fn a_missing_path_is_an_error_on_one_line() {
    let t = TestDir::new();
    t.write("a.txt", format!("t={}\n", github_pat(60)));
    let run = t.run(&["dir", "a.txt", "no-such-dir"]);
    run.expect_code(2);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    assert!(lines[0].starts_with("leakhound: error:"), "{run:#?}");
    assert!(lines[0].contains("no-such-dir"), "{run:#?}");
}

#[test]
fn file_names_that_are_not_utf8_are_scanned() {
    let t = TestDir::new();
    let name = OsStr::from_bytes(b"caf\xe9-\xff.env");
    t.write(name, format!("T={}\n", github_pat(70)));
    t.write(
        OsStr::from_bytes(b"d\xe9j\xe0/inner.txt"),
        format!("T={}\n", acme_key(70)),
    );
    t.write("lh.toml", ACME_RULE);

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.len(), 1, "{run:#?}");
    assert!(
        found[0].path.starts_with("caf") && found[0].path.ends_with(".env"),
        "{:?}",
        found[0].path
    );

    // The same through a user rule, in a directory with a non-UTF-8 name.
    let run = t.run(&["dir", ".", "--config", "lh.toml", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.len(), 2, "{run:#?}");
    assert!(found
        .iter()
        .any(|f| f.rule_id == "acme-api-key" && f.path.ends_with("/inner.txt")));

    // And in SARIF, whose URIs must still be valid.
    let run = t.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(1);
    run.sarif();
}

/// Issue 12: an ignored `.env` (where local secrets live) left "no leaks
/// found: 1 files" with nothing said. The summary counts what the ignore
/// files kept out, `-v` names each, `--no-ignore` scans them.
#[test]
fn the_summary_counts_what_gitignore_kept_out_and_verbose_names_it() {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".env\n");
    repo.write(".env", format!("TOKEN={}\n", github_pat(650)));
    repo.write("app.py", "print('hi')\n");
    let run = repo.run(&["dir", "."]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("no leaks found: 2 files") && run.stdout.contains("; ignored 1\n"),
        "{run:#?}"
    );
    let run = repo.run(&["dir", ".", "-v"]);
    assert!(
        run.stderr.contains(
            "leakhound: skipped .env: file kept out by .gitignore/.ignore (--no-ignore scans it)"
        ),
        "{run:#?}"
    );
    let run = repo.run(&["dir", ".", "--no-ignore", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc(".env", 1, "github-pat")]
    );
    assert!(!run.stderr.contains("ignored"), "{run:#?}");
}

/// An ignored directory is one entry (it is not walked into); `.ignore`
/// and `.git/info/exclude` count too; SARIF carries the counts as
/// invocation properties.
#[test]
fn an_ignored_directory_counts_once_and_sarif_carries_the_counts() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "build/\n");
    repo.write(".ignore", "notes.txt\n");
    repo.write(".git/info/exclude", "local.env\n");
    for f in [
        "build/a.txt",
        "build/deep/b.txt",
        "notes.txt",
        "local.env",
        "app.py",
    ] {
        repo.write(f, "x = 1\n");
    }
    let run = repo.run(&["dir", "."]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("; ignored 3 (2 files, 1 directory)"),
        "{run:#?}"
    );
    let run = repo.run(&["dir", ".", "-v"]);
    for line in [
        "skipped build: directory kept out",
        "skipped notes.txt: file kept out",
        "skipped local.env: file kept out",
    ] {
        assert!(run.stderr.contains(line), "{line}: {run:#?}");
    }
    assert!(
        !run.stderr.contains("build/a.txt"),
        "not walked into: {run:#?}"
    );
    let run = repo.run(&["dir", ".", "--format", "sarif"]);
    run.expect_code(0);
    let log = run.sarif();
    let props = &log["runs"][0]["invocations"][0]["properties"];
    assert_eq!(
        (&props["ignoredFiles"], &props["ignoredDirectories"]),
        (&serde_json::json!(2), &serde_json::json!(1)),
        "{log:#}"
    );
    assert!(
        run.stderr.contains("ignored 3 (2 files, 1 directory)"),
        "{run:#?}"
    );
}
