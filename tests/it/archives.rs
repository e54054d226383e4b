//! Archives: members of zip/jar, tar, tar.gz, bzip2 and xz files are
//! scanned (by magic bytes, whatever the name), nested to a depth limit,
//! reported as `archive!member`; a zip bomb is stopped and said so.

use std::io::{Cursor, Write};

use base64::{engine::general_purpose::STANDARD, Engine};

use crate::support::{git_locations, github_pat, gloc, loc, locations, TestDir, TestRepo};

/// A zip of `(name, content)` members, deflated.
fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in members {
        w.start_file(*name, opts).unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, content) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(content.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *content).unwrap();
    }
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    w.write_all(data).unwrap();
    w.finish().unwrap()
}

fn env(seed: u64) -> String {
    format!("DEBUG=0\nGITHUB_TOKEN={}\n", github_pat(seed))
}

#[test]
fn zip_jar_tar_gz_bz2_and_xz_members_are_scanned() {
    let t = TestDir::new();
    t.write("dist/app.zip", zip(&[("config/.env", env(1).as_bytes())]));
    t.write(
        "lib/service.jar",
        zip(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
            ("app.properties", env(2).as_bytes()),
        ]),
    );
    t.write(
        "backup.tgz",
        gzip(&tar(&[("etc/app/.env", env(3).as_bytes())])),
    );
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(&tar(&[("srv/.env", env(4).as_bytes())]))
        .unwrap();
    t.write("old.tar.bz2", bz.finish().unwrap());
    let mut xz = Vec::new();
    lzma_rs::xz_compress(&mut Cursor::new(env(5).into_bytes()), &mut xz).unwrap();
    t.write("settings.env.xz", xz);
    // Told by magic bytes, not by name.
    t.write("blob.bin", zip(&[("x/.env", env(6).as_bytes())]));

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![
            loc("backup.tgz!etc/app/.env", 2, "github-pat"),
            loc("blob.bin!x/.env", 2, "github-pat"),
            loc("dist/app.zip!config/.env", 2, "github-pat"),
            loc("lib/service.jar!app.properties", 2, "github-pat"),
            loc("old.tar.bz2!srv/.env", 2, "github-pat"),
            loc("settings.env.xz", 2, "github-pat"),
        ]
    );
    // --no-archives: archives are binary files again.
    t.run(&["dir", ".", "--no-archives"]).expect_code(0);
}

#[test]
fn nested_archives_are_opened_to_the_depth_limit() {
    let t = TestDir::new();
    let inner = zip(&[("deep/.env", env(10).as_bytes())]);
    let middle = gzip(&tar(&[("inner.zip", &inner)]));
    t.write("outer.zip", zip(&[("middle.tar.gz", &middle)]));

    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc(
            "outer.zip!middle.tar.gz!inner.zip!deep/.env",
            2,
            "github-pat"
        )]
    );
    let shallow = t.run(&["dir", ".", "--max-archive-depth", "2"]);
    shallow.expect_code(0);
    assert!(
        shallow.stderr.contains(
            "skipped outer.zip!middle.tar.gz!inner.zip: archive: archive nested deeper than 2"
        ),
        "{}",
        shallow.stderr
    );
    t.run(&["dir", ".", "--max-archive-depth", "0"])
        .expect_code(2);
}

#[test]
fn a_zip_bomb_is_stopped_and_reported_and_the_rest_is_scanned() {
    let t = TestDir::new();
    let zeros = vec![0u8; 64 << 20];
    let bomb = zip(&[("big.bin", &zeros), ("ok/.env", env(20).as_bytes())]);
    assert!(bomb.len() < 200 << 10, "the bomb is small: {}", bomb.len());
    t.write("bomb.zip", bomb);
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("bomb.zip!ok/.env", 2, "github-pat")]
    );
    assert!(
        run.stderr.contains(
            "skipped bomb.zip!big.bin: archive: decompressed size limit: expands past 10485760 bytes"
        ),
        "{}",
        run.stderr
    );
    // A gzip whose content lies about nothing but is simply too big.
    t.write("zeros.gz", gzip(&zeros));
    let run = t.run(&["dir", "zeros.gz", "--max-file-size", "1MiB"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("skipped zeros.gz: archive: decompressed size limit"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_corrupt_archive_is_a_skip_not_a_failure() {
    let t = TestDir::new();
    let mut broken = zip(&[("a/.env", env(30).as_bytes())]);
    broken.truncate(40);
    t.write("broken.zip", broken);
    t.write("fine.env", env(31));
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("fine.env", 2, "github-pat")]
    );
    assert!(
        run.stderr.contains("skipped broken.zip: archive: bad zip"),
        "{}",
        run.stderr
    );
}

#[test]
fn base64_of_a_zip_holding_an_env_file_is_opened() {
    let t = TestDir::new();
    let bundle = STANDARD.encode(zip(&[("app/.env", env(40).as_bytes())]));
    t.write(
        "deploy/bundle.yaml",
        format!("kind: Bundle\npayload: {bundle}\n"),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let found = run.findings();
    assert_eq!(
        locations(&found),
        vec![loc("deploy/bundle.yaml!app/.env", 2, "github-pat")]
    );
    assert_eq!(found[0].decoded, vec!["base64"]);
    t.run(&["dir", ".", "--no-archives"]).expect_code(0);
}

#[test]
fn an_archive_committed_to_git_history_is_scanned() {
    let repo = TestRepo::with_readme();
    let add = repo.commit_file(
        "vendor/creds.zip",
        zip(&[("prod/.env", env(50).as_bytes())]),
        "Vendor the credentials bundle",
    );
    repo.rm("vendor/creds.zip");
    repo.commit("Remove the bundle");
    let (run, found) = repo.json(&["git", "."]);
    run.expect_code(1);
    assert_eq!(
        git_locations(&found),
        vec![gloc("vendor/creds.zip!prod/.env", 2, "github-pat", &add)]
    );
    let (off, _) = repo.json(&["git", ".", "--no-archives"]);
    off.expect_code(0);
}

#[test]
fn an_archive_on_stdin_is_opened() {
    let t = TestDir::new();
    let run = t.run_stdin(
        &["stdin", "--label", "upload", "--format", "json"],
        gzip(env(60).as_bytes()),
    );
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        vec![loc("upload", 2, "github-pat")]
    );
}

/// A diff scans the lines a change adds, and an archive has none: a range
/// or staged scan passes an added archive over (a history scan opens it).
#[test]
fn an_archive_added_in_a_range_or_staged_is_not_opened() {
    let repo = TestRepo::with_readme();
    let base = repo.head();
    repo.commit_file(
        "vendor/creds.zip",
        zip(&[("prod/.env", env(70).as_bytes())]),
        "Vendor the credentials bundle",
    );
    let (range, _) = repo.json(&["git", ".", "--range", &format!("{base}..HEAD")]);
    range.expect_code(0);
    repo.write("more/creds.zip", zip(&[("prod/.env", env(71).as_bytes())]));
    repo.stage(&["more/creds.zip"]);
    let (staged, _) = repo.json(&["staged", "."]);
    staged.expect_code(0);
    let (history, _) = repo.json(&["git", "."]);
    history.expect_code(1);
}
