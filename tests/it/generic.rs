//! The generic rules' filters on real files: generic findings in test code
//! and fixtures are reported at very-low confidence, and values that are not
//! secrets (references, identifiers, phrases, anti-forgery tokens) are
//! dropped everywhere.

use crate::support::{github_pat, loc, locations, TestDir};

/// A high-entropy password assignment the generic rule reports.
const PASSWORD_LINE: &str = "DB_PASSWORD=Tr0ub4dor-7406BcG1\n";

#[test]
fn generic_findings_in_test_code_are_reported_at_very_low_confidence() {
    let t = TestDir::new();
    let token = github_pat(77);
    let tests = [
        "test/fixtures/app.env",
        "spec/support/app.env",
        "src/testdata/app.env",
        "pkg/store/store_test.go",
        "web/src/api.spec.ts",
        "tests/test_settings.py",
        "examples/compose/app.env",
    ];
    for path in tests.iter().chain(&["config/app.env"]) {
        t.write(
            path,
            format!("{PASSWORD_LINE}GITHUB_TOKEN={token}\npassword: changeme\n"),
        );
    }
    let run = t.run(&[
        "dir",
        ".",
        "--format",
        "json",
        "--min-confidence",
        "very-low",
    ]);
    run.expect_code(1);
    let findings = run.findings();
    let mut found: Vec<(String, usize, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.line,
                f.rule_id.clone(),
                f.confidence.clone(),
            )
        })
        .collect();
    found.sort();
    let mut expected = vec![
        (
            "config/app.env".into(),
            1,
            "generic-password".into(),
            "low".into(),
        ),
        (
            "config/app.env".into(),
            2,
            "github-pat".into(),
            "high".into(),
        ),
    ];
    for path in tests {
        expected.push((path.into(), 1, "generic-password".into(), "very-low".into()));
        // Provider rules keep their confidence in test code.
        expected.push((path.into(), 2, "github-pat".into(), "high".into()));
    }
    expected.sort();
    assert_eq!(
        found, expected,
        "placeholders stay dropped everywhere: {run:#?}"
    );

    // The default (--min-confidence low) leaves out the generic findings in test code.
    let run = t.run(&["dir", ".", "--format", "json"]);
    let mut found = locations(&run.findings());
    found.sort();
    let mut expected = vec![
        loc("config/app.env", 1, "generic-password"),
        loc("config/app.env", 2, "github-pat"),
    ];
    expected.extend(tests.iter().map(|p| loc(p, 2, "github-pat")));
    expected.sort();
    assert_eq!(found, expected, "{run:#?}");
}

#[test]
fn test_paths_are_judged_inside_the_scanned_tree_not_above_it() {
    // A project checked out under a `samples/` (or `tests/`) directory is
    // not all test data: only what lies below the scan root counts.
    let t = TestDir::new();
    t.write("samples/app/config/app.env", PASSWORD_LINE);
    t.write("samples/app/tests/app.env", PASSWORD_LINE);
    let confidences = |root: &str| {
        let run = t.run(&[
            "dir",
            root,
            "--format",
            "json",
            "--min-confidence",
            "very-low",
        ]);
        run.expect_code(1);
        let mut found: Vec<(String, String)> = run
            .findings()
            .iter()
            .map(|f| (f.path.clone(), f.confidence.clone()))
            .collect();
        found.sort();
        found
    };
    let absolute = t.path().join("samples/app");
    for root in ["samples/app", absolute.to_str().unwrap()] {
        let found = confidences(root);
        let level = |suffix: &str| {
            found
                .iter()
                .find(|(p, _)| p.ends_with(suffix))
                .map(|(_, c)| c.clone())
        };
        assert_eq!(
            level("config/app.env").as_deref(),
            Some("low"),
            "{root}: {found:?}"
        );
        assert_eq!(
            level("tests/app.env").as_deref(),
            Some("very-low"),
            "{root}: {found:?}"
        );
    }
    // A file given as the root is judged by its own name.
    let found = confidences("samples/app/config/app.env");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "low", "{found:?}");
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

#[test]
fn a_lowercase_value_is_a_variable_in_code_and_a_value_in_config() {
    let t = TestDir::new();
    t.write(
        "app/db.py",
        "password = user_password\nconn = connect(password=\"sandboxfake\")\n",
    );
    t.write(
        "compose.yaml",
        "services:\n  db:\n    environment:\n      - MYSQL_PASSWORD=sandboxfake\n      - MYSQL_ROOT_PASSWORD=password\n",
    );
    t.write("ansible/vars.yml", "mysql_password: sandboxfake\n");
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    assert_eq!(
        found,
        [
            loc("ansible/vars.yml", 1, "generic-password"),
            loc("app/db.py", 2, "generic-password"),
            loc("compose.yaml", 4, "generic-password"),
        ],
        "{run:#?}"
    );
}

#[test]
fn defaults_and_fallbacks_of_environment_lookups_are_values() {
    let t = TestDir::new();
    t.write(
        "src/main/resources/application.properties",
        "spring.datasource.password=${MYSQL_PASS:petFAKEclinic}\nspring.datasource.username=${MYSQL_USER:petclinic}\nspring.flyway.password=${FLYWAY_PASS}\n",
    );
    t.write(
        "compose.yaml",
        "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-db-FAKEz2}\n      - REDIS_PASSWORD=${REDIS_PASSWORD:-changeme}\n",
    );
    t.write(
        "config/db.ts",
        "export default {\n  password: env.DB_PW || env.PW || 'Pa55FAKE12!',\n  user: env.DB_USER || 'app',\n  token: env.TOKEN || '',\n};\n",
    );
    t.write(
        "settings.py",
        "DB_PASSWORD = os.getenv(\"DB_PASSWORD\", \"Wk9FAKEqz\")\nSMTP_PASSWORD = os.getenv(\"SMTP_PASSWORD\", \"password\")\n",
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    assert_eq!(
        found,
        [
            loc("compose.yaml", 4, "generic-password-default"),
            loc("config/db.ts", 2, "generic-password-fallback"),
            loc("settings.py", 1, "generic-password-fallback"),
            loc(
                "src/main/resources/application.properties",
                1,
                "generic-password-default"
            ),
        ],
        "{run:#?}"
    );
}

#[test]
fn pw_keys_are_password_keys_and_settings_about_a_password_are_not() {
    let t = TestDir::new();
    t.write(
        ".env",
        "SEQ_PG_PW=seqFAKE_test\nPOSTGRES_PW=changeit\nmax_pw = compute_width(x)\n",
    );
    t.write(
        "roles/db/tasks/main.yml",
        "- mysql_user:\n    name: app\n    password: 'Hq7FAKEwx'\n    update_password: on_create\n    allow_empty_password: always_allowed\n",
    );
    t.write(
        "tools/release.psm1",
        "$Token = Get-GHDefaultAuthToken\n$password = ConvertTo-SecureString $Plain -AsPlainText -Force\n",
    );
    t.write(
        "src/Remoting/Native.cs",
        "internal class WSManCertificateThumbprintCredentials : BaseWSManAuthenticationCredentials\n{\n}\n",
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    assert_eq!(
        found,
        [
            loc(".env", 1, "generic-password"),
            loc("roles/db/tasks/main.yml", 3, "generic-password"),
        ],
        "{run:#?}"
    );
}

#[test]
fn credentials_given_as_call_arguments_env_entries_dsns_and_tool_flags() {
    let t = TestDir::new();
    t.write(
        "client.py",
        "r = requests.get(url, auth=(\"deploy\", \"Kq7FAKEzp9\"))\nr = requests.get(url, auth=(\"user\", \"pass\"))\nr = requests.get(url, auth=(user, password))\n",
    );
    t.write(
        "store/db.go",
        "db, _ := sql.Open(\"mysql\", \"app:Kq7FAKEzp9@tcp(db:3306)/app\")\ndsn := fmt.Sprintf(\"%s:%s@tcp(%s)/%s\", u, p, h, n)\nreq.SetBasicAuth(\"deploy\", os.Getenv(\"DEPLOY_PASSWORD\"))\n",
    );
    t.write(
        "deploy/api.yaml",
        "spec:\n  containers:\n    - name: api\n      env:\n        - name: DB_PASSWORD\n          value: Kq7FAKEzp9\n        - name: DB_HOST\n          value: Wq8FAKEx2zLm\n        - name: API_TOKEN\n          valueFrom:\n            secretKeyRef:\n              name: api\n",
    );
    t.write(
        "scripts/setup.sh",
        "redis-cli -h cache -a Kq7FAKEzp9 ping\nredis-cli -a \"$REDIS_PASSWORD\" ping\nopenssl pkcs12 -export -passout pass:Kq7FAKEzp9 -out a.p12\nopenssl pkcs12 -export -passout env:P12_PASSWORD -out a.p12\n",
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    assert_eq!(
        found,
        [
            loc("client.py", 1, "generic-credential-args"),
            loc("deploy/api.yaml", 6, "generic-kubernetes-env-password"),
            loc("scripts/setup.sh", 1, "generic-cli-tool-password"),
            loc("scripts/setup.sh", 3, "generic-cli-tool-password"),
            loc("store/db.go", 1, "generic-go-mysql-dsn"),
        ],
        "{run:#?}"
    );
}

#[test]
fn xml_properties_dockerfile_env_and_database_clients_carry_passwords() {
    let t = TestDir::new();
    t.write(
        "src/main/resources/beans.xml",
        "<bean id=\"ds\">\n  <property name=\"password\" value=\"Kq7FAKEzp9\"/>\n  <property name=\"password\" value=\"${jdbc.password}\"/>\n  <property name=\"username\" value=\"Wq8FAKEx2z\"/>\n</bean>\n",
    );
    t.write(
        "Dockerfile",
        "FROM mysql:8\nENV MYSQL_ROOT_PASSWORD Kq7FAKEzp9\nENV MYSQL_PASSWORD $MYSQL_PASSWORD\n",
    );
    t.write(
        "ops/db.sh",
        "sqlcmd -S db -U sa -P 'Kq7FAKEzp9' -Q \"select 1\"\nsqlcmd -S db -U sa -P \"$SA_PASSWORD\"\nldapsearch -x -D cn=admin -w Kq7FAKEzp9 -b dc=example\nldapsearch -x -D cn=admin -W -b dc=example\nsqlplus system/Kq7FAKEzp9@//db:1521/XE\nsqlplus / as sysdba\n",
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    assert_eq!(
        found,
        [
            loc("Dockerfile", 2, "generic-dockerfile-env-password"),
            loc("ops/db.sh", 1, "generic-cli-tool-password"),
            loc("ops/db.sh", 3, "generic-cli-tool-password"),
            loc("ops/db.sh", 5, "generic-cli-tool-password"),
            loc(
                "src/main/resources/beans.xml",
                2,
                "generic-xml-property-password"
            ),
        ],
        "{run:#?}"
    );
}

#[test]
fn assignments_in_go_php_make_and_xml_elements_are_read() {
    let t = TestDir::new();
    let value = "ke7wbhadl4f4q4yjcmh1iQizhdj5wz4d";
    t.write(
        "src/config.go",
        format!("var serviceToken string = \"{value}\"\n"),
    );
    t.write("src/config.php", format!("$serviceToken .= \"{value}\";\n"));
    t.write(
        "Makefile",
        format!("SERVICE_TOKEN ::= \"{value}\"\nOTHER_TOKEN :::= \"{value}x\"\n"),
    );
    t.write(
        "conf/service.xml",
        format!("<serviceToken>\n    {value}\n</serviceToken>\n"),
    );
    // Near misses: a comparison, and an element that is not a credential.
    t.write(
        "src/check.go",
        format!("if serviceToken > {value} {{\n<serviceName>\n    {value}\n</serviceName>\n"),
    );
    let run = t.run(&["dir", ".", "--format", "json"]);
    run.expect_code(1);
    let mut found = locations(&run.findings());
    found.sort();
    assert_eq!(
        found,
        [
            loc("Makefile", 1, "generic-secret"),
            loc("Makefile", 2, "generic-secret"),
            loc("conf/service.xml", 2, "generic-secret"),
            loc("src/config.go", 1, "generic-secret"),
            loc("src/config.php", 1, "generic-secret"),
        ],
        "{run:#?}"
    );
}
