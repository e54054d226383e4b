//! Test code, specs, fixtures and examples. A generic (low-confidence)
//! finding in such a path is still reported, at [`Confidence::VeryLow`]
//! (`crate::rules::Confidence`): a credential-like value there is often test
//! data, but a real one committed in a test is still committed.

use std::sync::OnceLock;

use crate::rules::Pattern;

/// Directories and file names of test code, fixtures and examples.
const TEST_PATHS: &str = concat!(
    r"(?:^|/)(?i:tests?|specs?|__tests__|__mocks__|fixtures?|testdata|test[_-]data|testing|",
    r"mocks?|dummy|e2e|examples?|samples?|demos?)/",
    r"|(?:^|/)[^/]*(?:_test|_tests|_spec|\.test|\.spec|-test|-spec)\.[A-Za-z0-9]{1,10}$",
    r"|(?:^|/)[^/]*(?:Test|Tests|Spec)\.[A-Za-z0-9]{1,10}$",
    r"|(?:^|/)(?:test_[^/]*\.py|conftest\.py)$",
);

/// Whether `path` (`/`-separated) is test code, a fixture or an example.
pub fn is_test_path(path: &str) -> bool {
    static PATTERN: OnceLock<Pattern> = OnceLock::new();
    PATTERN
        .get_or_init(|| Pattern::new(TEST_PATHS).expect("the test-path regex compiles"))
        .is_match(path.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_code_fixtures_and_examples() {
        for p in [
            "test/fixtures/app.env",
            "spec/support/app.env",
            "src/testdata/app.env",
            "pkg/store/store_test.go",
            "web/src/api.spec.ts",
            "tests/test_settings.py",
            "src/test/java/com/acme/RepoTest.java",
            "Acme.Tests/ClientTests.cs",
            "examples/docker-compose.yml",
            "conftest.py",
        ] {
            assert!(is_test_path(p), "{p}");
        }
        for p in [
            "config/app.env",
            "src/attestation.rs",
            "contest/app.py",
            "latest/config.yml",
            "docs/Testimony.md",
            "src/audit.py",
        ] {
            assert!(!is_test_path(p), "{p}");
        }
    }
}
