//! `leakhound explain FILE[:LINE]`: each candidate on the line with the rule
//! that matched and the stage that dropped it; secrets redacted.

use crate::support::TestDir;

const FILE: &str = "\
DB_PASSWORD=Tr0ub4dor-7406BcG1
password: changeme
Authorization: Basic dXNlcjpwYXNz
\"password\": \"Contraseña\",
nothing to see here
";

fn explain(t: &TestDir, target: &str) -> String {
    let run = t.run(&["explain", target]);
    run.expect_code(0);
    run.stdout.clone()
}

#[test]
fn each_line_names_the_rule_and_the_dropping_stage() {
    let t = TestDir::new();
    t.write("conf/app.env", FILE);
    let line = |n: usize| explain(&t, &format!("conf/app.env:{n}"));
    let one = line(1);
    assert!(
        one.contains("generic-password") && one.contains(": reported"),
        "{one}"
    );
    let two = line(2);
    assert!(
        two.contains("dropped at stopword") && two.contains("'changeme'"),
        "{two}"
    );
    assert!(
        two.contains("Placeholders"),
        "the allowlist's description: {two}"
    );
    let three = line(3);
    assert!(
        three.contains("generic-basic-auth") && three.contains("dropped at checksum"),
        "{three}"
    );
    let four = line(4);
    assert!(
        four.contains("dropped at allowlist")
            && four.contains("the rule's allowlist \"weak, default"),
        "{four}"
    );
    assert!(line(5).contains("no rule's regex matches on this line"));
    // Without a line: every candidate of the file, in line order.
    let all = explain(&t, "conf/app.env");
    assert_eq!(all.lines().count(), 4, "{all}");
    // The secret is redacted.
    assert!(!all.contains("Tr0ub4dor-7406BcG1"), "{all}");
}

#[test]
fn a_test_path_and_a_missing_file_are_explained() {
    let t = TestDir::new();
    t.write("src/app.env", FILE);
    let out = explain(&t, "src/app.env:1");
    assert!(out.contains("reported"), "{out}");
    let run = t.run(&["explain", "nope.env:3"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("nope.env"), "{run:#?}");
}
