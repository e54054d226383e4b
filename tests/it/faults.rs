//! Faults are survived and reported: permissions (checked as an unprivileged
//! user, even when the tests run as root), files vanishing mid-scan,
//! followed symlink loops, a truncated packfile, a full disk under the
//! report, oversized blobs, findings caps. Missing and corrupt git objects:
//! see `git_history.rs`; unreadable files, unfollowed links and non-UTF-8
//! names: see `dir.rs`.

use std::{
    fs,
    os::unix::{
        ffi::OsStrExt,
        fs::{symlink, PermissionsExt},
    },
    path::Path,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use crate::support::{github_pat, loc, locations, Run, TestDir, TestRepo};

/// `leakhound ARGS` in `dir`, as an unprivileged user (via `setpriv`) when
/// the tests run as root, so file permissions apply; `None` if running as
/// root without `setpriv`.
/// Checks that the unprivileged scan `run` reported only `open.env`; `None`
/// (with a note) when it could not run without root's permissions.
fn only_open_env_found(run: Option<Run>) -> Option<Run> {
    let Some(run) = run else {
        eprintln!("skipped: running as root without setpriv, permissions do not apply");
        return None;
    };
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("open.env", 1, "github-pat")]
    );
    Some(run)
}

fn run_unprivileged(dir: &Path, args: &[&str]) -> Option<Run> {
    let root = Path::new("/proc/self").metadata().is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    let bin = env!("CARGO_BIN_EXE_leakhound");
    let mut cmd = if root {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| Path::new(p).exists())?;
        // The unprivileged user must be able to enter the test directory.
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = assert_cmd::Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        assert_cmd::Command::new(bin)
    };
    cmd.env_remove("LEAKHOUND_CONFIG")
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args(args);
    Some(Run::from(cmd.output().expect("run leakhound")))
}

#[test]
fn an_unreadable_directory_is_named_and_the_rest_is_scanned() {
    let t = TestDir::new();
    t.write("locked/inner.env", format!("T={}\n", github_pat(300)));
    t.write("open.env", format!("T={}\n", github_pat(301)));
    let locked = t.join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let run = run_unprivileged(t.path(), &["dir", ".", "--format", "json"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let Some(run) = only_open_env_found(run) else {
        return;
    };
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("leakhound: skipped locked: cannot read")),
        "the directory is named: {run:#?}"
    );
    assert!(run.stderr.contains("unreadable 1"), "{run:#?}");
}

#[test]
fn an_unreadable_file_is_named_even_when_the_tests_run_as_root() {
    let t = TestDir::new();
    let locked = t.write("locked.env", format!("T={}\n", github_pat(302)));
    t.write("open.env", format!("T={}\n", github_pat(303)));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let run = run_unprivileged(t.path(), &["dir", ".", "--format", "json"]);
    let Some(run) = only_open_env_found(run) else {
        return;
    };
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("locked.env: cannot read")),
        "{run:#?}"
    );
}

/// Issue 12: an unreadable path named on the command line was a skip and
/// "no leaks found" (exit 0). It is an error, like a missing path.
#[test]
fn an_unreadable_path_given_on_the_command_line_is_exit_2() {
    let t = TestDir::new();
    let locked = t.write("locked.env", format!("T={}\n", github_pat(304)));
    let dir = t.mkdir("locked-dir");
    t.write("locked-dir/a.env", format!("T={}\n", github_pat(305)));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o000)).unwrap();
    for path in ["locked.env", "locked-dir"] {
        let Some(run) = run_unprivileged(t.path(), &["dir", path]) else {
            eprintln!("skipped: running as root without setpriv, permissions do not apply");
            return;
        };
        run.expect_code(2);
        assert_eq!(run.stderr_lines().len(), 1, "{run:#?}");
        assert!(
            run.stderr.contains(&format!(
                "leakhound: error: {path}: cannot read: Permission denied"
            )),
            "{run:#?}"
        );
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn files_that_vanish_or_change_during_the_scan_do_not_stop_it() {
    let t = TestDir::new();
    t.write("stable.env", format!("T={}\n", github_pat(310)));
    let churn = t.mkdir("churn");
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let path = churn.join(format!("f{}.txt", i % 200));
                if i % 3 == 0 {
                    let _ = fs::remove_file(&path);
                } else {
                    let _ = fs::write(&path, "x".repeat((i % 5000) as usize));
                }
                i += 1;
            }
        })
    };
    for _ in 0..10 {
        let run = t.run(&["dir", ".", "--format", "json", "-v"]);
        run.expect_code(1);
        assert!(
            locations(&run.findings()).contains(&loc("stable.env", 1, "github-pat")),
            "{run:#?}"
        );
        for line in run.stderr.lines().filter(|l| l.contains("skipped churn")) {
            assert!(
                line.contains("cannot read"),
                "a vanished file is named: {line}"
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
}

#[test]
fn follow_links_scans_link_targets_and_survives_loops() {
    let t = TestDir::new();
    let outside = TestDir::new();
    let target = outside.write("secret.env", format!("T={}\n", github_pat(320)));
    t.write("real.env", format!("T={}\n", github_pat(321)));
    symlink(&target, t.join("link-outside.env")).unwrap();
    symlink(outside.path(), t.join("outside-dir")).unwrap();
    symlink("loop-b", t.join("loop-a")).unwrap();
    symlink("loop-a", t.join("loop-b")).unwrap();
    t.mkdir("dir");
    symlink("..", t.join("dir/up")).unwrap();
    symlink(".", t.join("self")).unwrap();

    let run = Run::from(
        t.cmd()
            .args(["dir", ".", "--follow-links", "--format", "json"])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap(),
    );
    run.expect_code(1);
    // The targets are scanned under the link's path, once per link.
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("link-outside.env", 1, "github-pat"),
            loc("outside-dir/secret.env", 1, "github-pat"),
            loc("real.env", 1, "github-pat"),
        ]
    );
    for name in ["loop-a", "loop-b", "dir/up", "self"] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(&format!("leakhound: skipped {name}: cannot read"))),
            "{name} is named: {run:#?}"
        );
    }
}

#[test]
fn a_truncated_packfile_is_reported_not_fatal() {
    let repo = TestRepo::with_readme();
    repo.commit_file("a.env", format!("A={}\n", github_pat(330)), "A");
    repo.gc();
    let pack = fs::read_dir(repo.join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .expect("a packfile");
    let len = fs::metadata(&pack).unwrap().len();
    fs::set_permissions(&pack, fs::Permissions::from_mode(0o644)).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(len / 2)
        .unwrap();

    // A report, and exit 2: the commits the refs need are in the lost half,
    // so the history was not fully scanned (issue 12).
    let run = repo.run(&["git", ".", "--format", "json"]);
    run.expect_code(2);
    run.findings();
    assert!(
        run.stderr.lines().any(|l| l.contains("corrupt object")),
        "the unreadable objects are named: {run:#?}"
    );
    assert!(
        run.stderr.contains("error: cannot read refs/heads/main"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

#[test]
fn a_full_disk_while_writing_the_report_is_exit_2_and_leaves_no_report() {
    let t = TestDir::new();
    let body: String = (0..200)
        .map(|i| format!("T{i}={}\n", github_pat(400 + i)))
        .collect();
    t.write("many.env", body);
    // A file size limit makes writes fail (EFBIG) like a full disk (ENOSPC)
    // would, unprivileged; SIGXFSZ is ignored so the write returns an error.
    let script = "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"";
    let run = Run::from(
        assert_cmd::Command::new("sh")
            .args(["-c", script, env!("CARGO_BIN_EXE_leakhound")])
            .args(["dir", "many.env", "--format", "json", "-o", "out.json"])
            .args(["--max-findings-per-file", "0"])
            .current_dir(t.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap(),
    );
    run.expect_code(2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "one error line: {run:#?}");
    assert!(
        lines[0].starts_with("leakhound: error: out.json: cannot write report: "),
        "{run:#?}"
    );
    let left: Vec<_> = fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec!["many.env"], "no report, no temporary file left");
}

#[test]
fn findings_per_file_are_capped_with_a_note() {
    let t = TestDir::new();
    let body: String = (0..150)
        .map(|i| format!("T{i}={}\n", github_pat(500 + i)))
        .collect();
    t.write("many.env", &body);
    t.write("few.env", format!("T={}\n", github_pat(499)));

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(found.iter().filter(|f| f.path == "many.env").count(), 100);
    assert_eq!(found.iter().filter(|f| f.path == "few.env").count(), 1);
    assert!(
        run.stderr.contains(
            "leakhound: note: many.env: stopped after 100 findings (--max-findings-per-file)"
        ),
        "{run:#?}"
    );

    let run = t.run(&[
        "dir",
        ".",
        "--format",
        "json",
        "--max-findings-per-file",
        "7",
    ]);
    assert_eq!(run.findings().len(), 8, "{run:#?}");
    let run = t.run(&[
        "dir",
        ".",
        "--format",
        "json",
        "--max-findings-per-file",
        "0",
    ]);
    assert_eq!(run.findings().len(), 151, "{run:#?}");
    assert!(!run.stderr.contains("note"), "{run:#?}");

    // In a history scan too.
    let repo = TestRepo::with_readme();
    repo.commit_file("many.env", body, "many");
    let (run, found) = repo.json(&["git", ".", "--max-findings-per-file", "5"]);
    run.expect_code(1);
    assert_eq!(found.len(), 5, "{run:#?}");
    assert!(run.stderr.contains("stopped after 5 findings"), "{run:#?}");
}

#[test]
fn an_oversized_blob_is_skipped_from_its_header_and_named() {
    let repo = TestRepo::with_readme();
    let mut big = format!("T={}\n", github_pat(600));
    big.push_str(&"x = 1\n".repeat(400_000));
    repo.commit_file("big.txt", &big, "big");
    repo.commit_file("small.env", format!("T={}\n", github_pat(601)), "small");
    let blob = repo.blob_id("HEAD", "big.txt");

    let (run, found) = repo.json(&["git", ".", "--max-file-size", "1MiB", "-v"]);
    run.expect_code(1);
    assert_eq!(found.len(), 1, "{run:#?}");
    assert_eq!(found[0].path, "small.env");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains(&blob) && l.contains(&format!("too large ({} bytes)", big.len()))),
        "{run:#?}"
    );
    // Raised, the blob is read and its secret found.
    let (run, found) = repo.json(&["git", ".", "--max-file-size", "10MiB"]);
    run.expect_code(1);
    assert_eq!(found.len(), 2, "{run:#?}");
}

#[test]
fn non_utf8_paths_and_content_in_history_are_scanned() {
    let repo = TestRepo::with_readme();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    let mut content = b"\xff\xfe latin1 \xe9\n".to_vec();
    content.extend(format!("T={}\n", github_pat(610)).as_bytes());
    fs::write(repo.join(name), content).unwrap();
    repo.stage_all();
    repo.commit("odd");
    let (run, found) = repo.json(&["git", "."]);
    run.expect_code(1);
    assert_eq!(found.len(), 1, "{run:#?}");
    assert_eq!(found[0].line, 2);
    assert!(found[0].path.starts_with("caf"), "{run:#?}");
}
