//! The generic rules' filters on real files: test code and fixtures are
//! skipped by the generic rules only, and values that are not secrets
//! (references, identifiers, phrases, anti-forgery tokens) are dropped.

use crate::support::{github_pat, loc, locations, TestDir};

/// A high-entropy password assignment the generic rule reports.
const PASSWORD_LINE: &str = "DB_PASSWORD=Tr0ub4dor-7406BcG1\n";

#[test]
fn generic_rules_skip_test_code_but_provider_rules_do_not() {
    let t = TestDir::new();
    let token = github_pat(77);
    for path in [
        "config/app.env",
        "test/fixtures/app.env",
        "spec/support/app.env",
        "src/testdata/app.env",
        "pkg/store/store_test.go",
        "web/src/api.spec.ts",
        "tests/test_settings.py",
    ] {
        t.write(path, format!("{PASSWORD_LINE}GITHUB_TOKEN={token}\n"));
    }
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    let mut expected = vec![
        loc("config/app.env", 1, "generic-password"),
        loc("config/app.env", 2, "github-pat"),
        loc("pkg/store/store_test.go", 2, "github-pat"),
        loc("spec/support/app.env", 2, "github-pat"),
        loc("src/testdata/app.env", 2, "github-pat"),
        loc("test/fixtures/app.env", 2, "github-pat"),
        loc("tests/test_settings.py", 2, "github-pat"),
        loc("web/src/api.spec.ts", 2, "github-pat"),
    ];
    expected.sort();
    assert_eq!(found, expected, "{run:#?}");
}

#[test]
fn values_that_are_not_secrets_are_dropped() {
    let t = TestDir::new();
    t.write(
        "app/models/user.rb",
        [
            "user.password = @visitor.password",
            "user.recovery_password = \"42password\"",
            "errors.add('password', 'can not be empty')",
            "params = { \"authenticity_token\" => \"XLveDrKzF1SwaiNRPTaMtkrsTzedtebPPkmxEFIU0ord\" }",
            "DbPassword = \"l2DancHRReEo_zCy4B@Ae\"",
        ]
        .join("\n"),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    assert_eq!(
        locations(&run.findings()),
        [loc("app/models/user.rb", 5, "generic-password")],
        "only the PascalCase assignment of a real-looking value: {run:#?}"
    );
}
