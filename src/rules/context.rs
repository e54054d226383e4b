//! Context rules: a rule that names its provider (`names`, optional `hosts`)
//! and the secret's shape (`secret`, a regex fragment), from which the
//! engine builds one regex covering every way people write a credential
//! next to a name: assignments in code (`=`, `:=`, `.=`, `::=`, `=>`, `:`,
//! `,` in calls, `-`), the provider's name alone as the key, `.env`, YAML (block scalars too), JSON, TOML, INI,
//! properties, XML elements and attributes, HCL, CLI flags, HTTP headers,
//! URL query strings and user info, SDK constructors, config sections and
//! the provider named on the line above a `key = value`.
//!
//! ```toml
//! [rules.context]
//! names = ["pandadoc"]           # provider names, as part of a key or variable
//! secret = '''[a-f0-9]{40}'''    # the secret's shape: bounded, no capture groups
//! hosts = ["api.pandadoc.com"]   # optional: for URL and header forms
//! keys = ["key", "token"]        # optional: credential words a key must also hold
//! ```
//!
//! In a name, `-`, `_` and a space match any one separator or none
//! (`open-weather` matches `OPEN_WEATHER`, `openweather`, `open.weather`).
//! Names and keys match in any case; the secret as written. Every part is
//! bounded and none reads past the end of the secret's line, except where the
//! syntax itself spans lines (a YAML block scalar, an XML element, a section
//! header above its key, the name on the line above).

use crate::config::ContextSyntax;

/// Identifier characters inside a key path: `a.b-c_d`, `ENV["X"]`, `[:a][:b]`, `$x`, `\"x\"`.
const ID: &str = r#"[\w.\-\[\]:'"$\\]"#;
/// After the secret: a delimiter, or the end of the line (never the next line).
const END: &str = r#"(?:[ \t"'`;,)\]}<>&|\\#]|\r|(?m:$))"#;
/// Before the secret in every syntax: a blank, a line break, a quote, an
/// operator's last character (`=`, `:`, `,`, `-`, `=>`), an element's `>`,
/// a URL's `/` or `:`.
const BEFORE: &str = r#"[ \t\n"'`=:,>/\-]"#;
/// After the secret in every syntax: [`END`], or the `@` of URL user info.
const AFTER: &str = r#"(?:[ \t"'`;,)\]}<>&|\\#@]|\r|(?m:$))"#;
/// Credential words a key must hold (with the provider's name), when `keys` is empty.
const KEYS: &[&str] = &[
    "key",
    "token",
    "secret",
    "pass",
    "pwd",
    "auth",
    "cred",
    "sid",
    "bearer",
    "signature",
    "private",
    "access",
    "api",
    "session",
];
/// Key words of a key under a provider's section header, when `keys` is empty.
const SECTION_KEYS: &[&str] = &[
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "pass",
    "auth",
    "credential",
    "sid",
];

/// The regex of a context rule, or why it cannot be built.
pub fn expand(ctx: &ContextSyntax) -> Result<String, String> {
    if ctx.names.is_empty() && ctx.hosts.is_empty() {
        return Err("context: needs at least one name or host".into());
    }
    if let Some(bad) = ctx
        .names
        .iter()
        .chain(&ctx.hosts)
        .chain(&ctx.keys)
        .find(|n| n.trim().len() < 2)
    {
        return Err(format!("context: name, host or key '{bad}' is too short"));
    }
    check_secret(&ctx.secret)?;
    let s = format!("({})", ctx.secret);
    let mut alts: Vec<String> = Vec::new();
    if !ctx.names.is_empty() {
        let name = format!(
            "(?i:{})",
            ctx.names
                .iter()
                .map(|n| name_pattern(n))
                .collect::<Vec<_>>()
                .join("|")
        );
        // The key: the name and a credential word (`keys`, or a built-in
        // list) in one identifier or key path, either order, or a few words
        // apart ("pandadoc api token = ").
        let keys = match ctx.keys.is_empty() {
            true => KEYS.join("|"),
            false => words(&ctx.keys),
        };
        let key = format!(
            "(?:{name}(?:{ID}|[ \\t]){{0,24}}?(?i:{keys}){ID}{{0,16}}?|(?i:{keys}){ID}{{0,24}}?{name}{ID}{{0,16}}?)"
        );
        alts.push(assignment(&key, &s));
        alts.push(bare_name(&name, &s));
        alts.push(call(&name, &s));
        alts.push(xml_element(&key, &s));
        alts.push(xml_key_value(&key, &s));
        alts.push(section(&name, &ctx.keys, &s));
        alts.push(line_above(&name, &ctx.keys, &s));
    }
    // Where a header or a query may sit: beside a name or a host.
    let hosts: Vec<String> = ctx.hosts.iter().map(|h| regex_syntax::escape(h)).collect();
    let near = format!(
        "(?i:{})",
        ctx.names
            .iter()
            .map(|n| name_pattern(n))
            .chain(hosts.iter().cloned())
            .collect::<Vec<_>>()
            .join("|")
    );
    alts.push(header(&near, &s));
    alts.push(url_query(&near, &s));
    if !hosts.is_empty() {
        alts.push(url_userinfo(&format!("(?i:{})", hosts.join("|")), &s));
    }
    Ok(alts.join("|"))
}

/// A small regex that matches wherever [`expand`]'s does: the secret's
/// shape with a character every syntax allows on each side of it. Where it
/// does not match, the rule's large regex need not be compiled or run.
pub fn guard(ctx: &ContextSyntax) -> String {
    format!("{BEFORE}(?:{}){AFTER}", ctx.secret)
}

/// An upper bound of the longest match of [`expand`]'s regex, without
/// parsing it (a context regex is large: parsing it costs more than most
/// scans of a small change). `measure` gives a regex's longest match. The
/// template, expanded once with a two-byte name (if the rule has names),
/// host and key and an eight-byte secret, is measured once; each part adds
/// what it is longer, as if every part lay on the longest path.
pub fn max_len(ctx: &ContextSyntax, measure: impl Fn(&str) -> Option<usize>) -> Option<usize> {
    // With names and without (a host-only rule has fewer syntaxes).
    static BASE: [std::sync::OnceLock<Option<usize>>; 2] =
        [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    let named = !ctx.names.is_empty();
    let base = (*BASE[usize::from(named)].get_or_init(|| {
        let placeholder = ContextSyntax {
            names: named.then(|| "nn".into()).into_iter().collect(),
            secret: "x{8}".into(),
            hosts: vec!["hh".into()],
            keys: vec!["kk".into()],
        };
        measure(&expand(&placeholder).ok()?)
    }))?;
    let longest = |list: &[String]| list.iter().map(String::len).max().unwrap_or(2);
    let word = |list: &[&str]| list.iter().map(|w| w.len()).max().unwrap_or(2);
    let (keys, section_keys) = match ctx.keys.is_empty() {
        true => (word(KEYS), word(SECTION_KEYS)),
        false => (longest(&ctx.keys), longest(&ctx.keys)),
    };
    let name = longest(&ctx.names);
    let host = longest(&ctx.hosts);
    let parts = [name, host, name.max(host), keys, section_keys];
    let extra: usize = parts.iter().map(|l| l.saturating_sub(2)).sum();
    Some(base + extra + measure(&ctx.secret)?.saturating_sub(8))
}

/// The prefilter keywords of a context rule: each way of writing a name
/// ([`name_pattern`]: every separator or none between its parts), or its
/// longest part when it has more than [`MAX_SPELLED_PARTS`]; each host.
pub fn keywords(ctx: &ContextSyntax) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in &ctx.names {
        let parts: Vec<String> = n
            .split(['-', '_', ' '])
            .filter(|p| !p.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let spelled = match parts.len() {
            2..=MAX_SPELLED_PARTS => spellings(&parts),
            _ => parts
                .iter()
                .max_by_key(|p| p.len())
                .cloned()
                .into_iter()
                .collect(),
        };
        for word in spelled {
            if !out.contains(&word) {
                out.push(word);
            }
        }
    }
    for h in &ctx.hosts {
        let h = h.to_ascii_lowercase();
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// Names of up to this many parts are keywords in every spelling (a part
/// alone, such as `front` of `front-api`, is often a common word).
const MAX_SPELLED_PARTS: usize = 3;

/// What may stand between a name's parts, as in [`name_pattern`].
const SEPARATORS: [&str; 5] = ["", "_", ".", "-", " "];

/// Every spelling of `parts` joined by one of [`SEPARATORS`].
fn spellings(parts: &[String]) -> Vec<String> {
    let mut out = vec![parts[0].clone()];
    for part in &parts[1..] {
        out = out
            .iter()
            .flat_map(|head| {
                SEPARATORS
                    .iter()
                    .map(move |sep| format!("{head}{sep}{part}"))
            })
            .collect();
    }
    out
}

fn check_secret(secret: &str) -> Result<(), String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(secret)
        .map_err(|e| format!("context: secret: {}", one_line(&e.to_string())))?;
    if hir.properties().explicit_captures_len() > 0 {
        return Err("context: secret must not have capture groups; use (?:...)".into());
    }
    if hir.properties().maximum_len().is_none() {
        return Err("context: secret must be bounded (write {m,n}, not + or *)".into());
    }
    if hir.properties().minimum_len().unwrap_or(0) < 8 {
        return Err("context: secret must be at least 8 characters long".into());
    }
    Ok(())
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// A name with flexible separators: `open-weather` → `open[_.\- ]?weather`.
fn name_pattern(name: &str) -> String {
    name.split(['-', '_', ' '])
        .filter(|p| !p.is_empty())
        .map(regex_syntax::escape)
        .collect::<Vec<_>>()
        .join(r"[_.\- ]?")
}

/// The key words of a key under a section or below the name's line:
/// the rule's `keys`, else [`SECTION_KEYS`].
fn section_keys(keys: &[String]) -> String {
    match keys.is_empty() {
        true => SECTION_KEYS.join("|"),
        false => words(keys),
    }
}

fn words(list: &[String]) -> String {
    list.iter()
        .map(|w| name_pattern(w))
        .collect::<Vec<_>>()
        .join("|")
}

/// `key = value` in code and config: `=`, `:=`, `::=`, `:::=`, `.=`, `+=`, `?=`,
/// `??=`, `||=`, `=>`, `:` (YAML, JSON, headers), `,` (`define('K', 'v')`,
/// `setenv("K", "v")`), `<-` (R); a type annotation (`key: String = `);
/// a type after the key (`var k string = `);
/// the value bare, quoted (`r"…"`, `@"…"`, `\"…\"`) or a YAML block scalar.
///
/// Or the key and its value apart by blanks only: CLI flags
/// (`--pandadoc-token v`), a properties file's `pandadoc.api.key  v`,
/// Apache's `SetEnv PANDADOC_KEY v`, nginx's `fastcgi_param PANDADOC_KEY v;`,
/// Dockerfile's `ENV KEY v`, fish's `set -gx KEY v`, a listing's
/// `pandadoc token  v`.
fn assignment(key: &str, s: &str) -> String {
    format!(
        "{key}(?:(?:[ \\t]{{1,3}}[\\w.\\-]{{1,20}}){{0,2}}?[ \\t]{{0,8}}(?::[ \\t]{{0,4}}&?[\\w<>\\[\\]?.']{{1,30}}[ \\t]{{0,4}})?\
         (?:=|:=|::=|:::=|\\.=|\\+=|\\?=|\\?\\?=|\\|\\|=|=>|:|,|<-|-)[ \\t]{{0,8}}\
         (?:[rRbBuUf@$]?\\\\?[\"'`]|[|>][-+]?[ \\t]{{0,20}}\\r?\\n[ \\t]{{1,20}})?|[ \\t]{{1,8}}[\"']?){s}{END}"
    )
}

/// The provider's name alone as the key, as a whole word: `chartmogul: v`,
/// `"findl": "v"`, `ENIGMA=v`, `cloudsmith v`, `kraken 'v'`. Not after a
/// path or a word (`/x/chartmogul v`, `my_chartmogul v`), never the name
/// followed by more of a word (`chartmogul_version v`).
fn bare_name(name: &str, s: &str) -> String {
    format!(
        "(?:(?m:^)|[^\\w./\\\\\\-])[\"'`]?{name}[\"'`]?(?:[ \\t]{{1,4}}|[ \\t]{{0,4}}(?:=|:=|:|=>|-)[ \\t]{{0,4}})(?:[rRbBuU@]?\\\\?[\"'`])?{s}{END}"
    )
}

/// SDK constructors and calls: `Pandadoc("v")`, `pandadoc.Client(api_key="v")`, `new PandaDocClient({ apiKey: 'v' })`.
fn call(name: &str, s: &str) -> String {
    format!(
        "{name}[\\w.:]{{0,30}}\\([ \\t]{{0,4}}\\{{?[ \\t]{{0,4}}(?:[\\w\"']{{1,30}}[ \\t]{{0,3}}[:=][ \\t]{{0,3}})?[\"']{s}[\"']"
    )
}

/// `<pandadocKey>v</pandadocKey>`, the value on its own line or not.
fn xml_element(key: &str, s: &str) -> String {
    format!(
        "<[\\w:.\\-]{{0,40}}?{key}(?:[ \\t][^>\\n]{{0,120}})?>[ \\t]{{0,20}}(?:\\r?\\n[ \\t]{{0,40}})?{s}[ \\t]{{0,20}}(?:<|\\r|(?m:$))"
    )
}

/// `<add key="PandadocKey" value="v"/>`, `<entry key="pandadoc.key">v</entry>`,
/// `<string name="pandadoc_key">v</string>`, `<env name="K" value="v"/>`.
fn xml_key_value(key: &str, s: &str) -> String {
    format!(
        "<[\\w:.\\-]{{1,30}}[ \\t][^>\\n]{{0,80}}?(?i:key|name|id)=[\"'][\\w.\\-:]{{0,40}}?{key}[\"']\
         (?:[ \\t]{{1,4}}(?i:value)=[\"']{s}[\"']|[^>\\n]{{0,80}}?>[ \\t]{{0,20}}{s}[ \\t]{{0,20}}(?:<|\\r|(?m:$)))"
    )
}

/// A section named for the provider, and a secret-like key under it within
/// 5 lines: `[pandadoc]` (INI/TOML), `pandadoc:` (YAML), `"pandadoc": {`
/// (JSON), `provider "pandadoc" {` (HCL).
fn section(name: &str, keys: &[String], s: &str) -> String {
    let keys = section_keys(keys);
    format!(
        "(?m:^[ \\t]{{0,20}}(?:\\[[ \\t]{{0,4}}[\\w.\\-\" ]{{0,40}}?{name}[^\\]\\n]{{0,40}}\\]\
         |[\"']?[\\w.\\-]{{0,40}}?{name}[\\w.\\-]{{0,40}}[\"']?[ \\t]{{0,4}}[:=][ \\t]{{0,4}}\\{{?\
         |[\\w]{{1,20}}[ \\t]{{1,4}}\"[\\w.\\-]{{0,40}}?{name}[\\w.\\-]{{0,40}}\"[ \\t]{{0,4}}\\{{)[ \\t]{{0,20}}\\r?\\n\
         (?:[^\\n]{{0,120}}\\n){{0,5}}?[ \\t]{{0,40}}[\"']?[\\w.\\-]{{0,30}}?(?i:{keys})[\\w.\\-]{{0,20}}[\"']?[ \\t]{{0,4}}[:=][ \\t]{{0,4}}[\"']?{s}{END})"
    )
}

/// The provider named on the line above, with no value there, and a
/// credential key with its value on the next line: `# Pandadoc` or
/// `[INFO] calling the pandadoc API` above `key = v` or `Using Key=v`. The
/// name is a whole word (not `mypandadoc`, not `pandadoc_version`), the key
/// starts a word, and nothing reads past the secret's line.
fn line_above(name: &str, keys: &[String], s: &str) -> String {
    let keys = section_keys(keys);
    format!(
        "(?m:^(?:[^\\n=]{{0,80}}?[^\\w\\n=])?{name}(?:[^\\w\\n=][^\\n=]{{0,80}})?\\r?\\n\
         [ \\t]{{0,40}}(?:[^\\n=:]{{0,30}}?[^\\w\\n=:])?[\"']?(?i:{keys})[\\w.\\-]{{0,20}}[\"']?[ \\t]{{0,4}}(?::=|[:=])[ \\t]{{0,4}}[\"']?{s}{END})"
    )
}

/// An auth header on the same line as the name or host, either order:
/// `curl -H "Authorization: Bearer v" https://api.pandadoc.com/...`.
fn header(at: &str, s: &str) -> String {
    let scheme = "(?i:bearer|token|api-?key|basic|key)[ \\t]{1,4}";
    format!("{at}[^\\n]{{0,120}}?{scheme}[\"']?{s}{END}|{scheme}{s}{END}[^\\n]{{0,120}}?{at}")
}

/// A URL query parameter: `https://api.pandadoc.com/v1?api_key=v`.
fn url_query(at: &str, s: &str) -> String {
    format!("{at}(?:[\\w.\\-]{{0,40}}[\"']?[ \\t]{{0,8}}[:=][ \\t]{{0,8}}[\"']?)?[^\\s\"'<>]{{0,120}}?[?&;][\\w.\\-\\[\\]]{{1,40}}={s}(?:[&#\"'<> \\t\\r]|(?m:$))")
}

/// User info in a URL: `https://user:v@api.host`, `https://v@api.host`.
fn url_userinfo(host: &str, s: &str) -> String {
    format!("\\w{{2,10}}://(?:[^\\s:@/\"']{{0,60}}:)?{s}@(?:[\\w\\-]{{1,60}}\\.){{0,4}}?{host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Pattern;

    fn rule() -> ContextSyntax {
        ContextSyntax {
            names: vec!["pandadoc".into(), "panda-doc".into()],
            secret: "[a-f0-9]{40}".into(),
            hosts: vec!["api.pandadoc.com".into()],
            keys: vec![],
        }
    }

    const V: &str = "3f5e8a1c9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f";

    /// The secret found in `text`, and the whole match. Wherever the
    /// regex finds one, the guard must match too.
    fn find(ctx: &ContextSyntax, text: &str) -> Option<(String, String)> {
        let p = Pattern::new(&expand(ctx).unwrap()).unwrap();
        let input = regex_automata::Input::new(text.as_bytes());
        let caps = p.regex().captures_iter(input).next()?;
        let guard = Pattern::new(&guard(ctx)).unwrap();
        assert!(guard.is_match(text.as_bytes()), "the guard misses {text:?}");
        let whole = caps.get_match()?.range();
        let secret = (1..caps.group_len())
            .find_map(|g| caps.get_group(g).filter(|m| !m.is_empty()))?
            .range();
        Some((text[secret].to_string(), text[whole].to_string()))
    }

    fn finds(text: &str) {
        let ctx = rule();
        match find(&ctx, text) {
            Some((secret, whole)) => {
                assert_eq!(secret, V, "in {text:?}");
                // Never the next line's text after the secret.
                let after = &whole[whole.find(V).unwrap() + V.len()..];
                assert!(!after.contains('\n'), "{whole:?} spills past the line");
            }
            None => panic!("not found in {text:?}"),
        }
    }

    fn misses(text: &str) {
        assert_eq!(find(&rule(), text), None, "in {text:?}");
    }

    #[test]
    fn the_expanded_regex_is_bounded_so_a_scan_of_a_change_reads_only_near_it() {
        let p = Pattern::new(&expand(&rule()).unwrap()).unwrap();
        let longest = p.max_len().expect("bounded");
        assert!(longest < 4096, "{longest}");
    }

    #[test]
    fn the_length_bound_holds_for_every_shape_of_context() {
        let measure = |re: &str| Pattern::new(re).ok()?.max_len();
        let mut contexts = vec![rule()];
        let mut keyed = rule();
        keyed.keys = vec!["signing-secret".into()];
        contexts.push(keyed);
        let mut hosts_only = rule();
        hosts_only.names.clear();
        contexts.push(hosts_only);
        let mut long = rule();
        long.names = vec!["a-very-long-provider-name".into()];
        long.secret = "[A-Za-z0-9]{64,128}".into();
        long.hosts.clear();
        contexts.push(long);
        for ctx in &contexts {
            let exact = measure(&expand(ctx).unwrap()).unwrap();
            let bound = max_len(ctx, measure).unwrap();
            assert!(
                bound >= exact && bound <= exact + 200,
                "{bound} vs {exact}: {ctx:?}"
            );
        }
    }

    #[test]
    fn the_length_bound_holds_for_every_built_in_context_rule() {
        let measure = |re: &str| Pattern::new(re).ok()?.max_len();
        let config = crate::config::Config::builtin().unwrap();
        let mut checked = 0;
        for ctx in config
            .rules
            .iter()
            .filter_map(|r| r.syntax.context.as_ref())
        {
            let exact = measure(&expand(ctx).unwrap()).unwrap();
            let bound = max_len(ctx, measure).unwrap();
            assert!(bound >= exact, "{bound} < {exact}: {ctx:?}");
            checked += 1;
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn python_js_ts_ruby_assignments() {
        finds(&format!("PANDADOC_API_KEY = '{V}'"));
        finds(&format!("const pandadocKey = \"{V}\";"));
        finds(&format!("let pandaDocToken: string = '{V}'"));
        finds(&format!("config[:pandadoc][:api_key] = '{V}'"));
        finds(&format!("ENV[\"PANDADOC_KEY\"] ||= \"{V}\""));
        finds(&format!("os.environ['PANDADOC_KEY'] = r'{V}'"));
    }

    #[test]
    fn go_assignments() {
        finds(&format!("pandadocKey := \"{V}\""));
        finds(&format!("var PandadocKey string = `{V}`"));
        finds(&format!("const PandadocToken = \"{V}\""));
    }

    #[test]
    fn java_csharp_kotlin_swift_rust_assignments() {
        finds(&format!(
            "private static final String PANDADOC_KEY = \"{V}\";"
        ));
        finds(&format!("var pandadocKey = @\"{V}\";"));
        finds(&format!("val pandadocApiKey: String = \"{V}\""));
        finds(&format!("let pandadocKey: String = \"{V}\""));
        finds(&format!("const PANDADOC_KEY: &str = \"{V}\";"));
    }

    #[test]
    fn php_assignments() {
        finds(&format!("$pandadoc_key .= '{V}';"));
        finds(&format!("define('PANDADOC_API_KEY', '{V}');"));
        finds(&format!("'pandadoc_key' => '{V}',"));
    }

    #[test]
    fn other_operators() {
        finds(&format!("pandadoc_key ::= {V}"));
        finds(&format!("PANDADOC_KEY :::= \"{V}\""));
        misses(&format!("pandadoc_version = \"{V}\""));
        finds(&format!("PANDADOC_KEY ?= {V}"));
        finds(&format!("pandadoc_key <- \"{V}\""));
    }

    #[test]
    fn shell_and_dotenv() {
        finds(&format!("export PANDADOC_API_KEY={V}"));
        finds(&format!("PANDADOC_API_KEY=\"{V}\"\nNEXT=1"));
        finds(&format!("$env:PANDADOC_KEY = \"{V}\""));
        finds(&format!("ENV PANDADOC_KEY {V}"));
        finds(&format!("set -gx PANDADOC_KEY {V}"));
    }

    #[test]
    fn yaml_plain_quoted_and_block_scalars() {
        finds(&format!("pandadoc_api_key: {V}\nother: 1"));
        finds(&format!("  pandadocToken: \"{V}\""));
        finds(&format!("pandadoc_key: |\n  {V}\nnext: 2"));
        finds(&format!("pandadoc_key: >-\n    {V}\n"));
    }

    #[test]
    fn json() {
        finds(&format!("{{\"pandadocApiKey\": \"{V}\", \"x\": 1}}"));
        finds(&format!("{{\\\"pandadoc_key\\\":\\\"{V}\\\"}}"));
    }

    #[test]
    fn toml_ini_properties_hcl() {
        finds(&format!("pandadoc_key = \"{V}\""));
        finds(&format!("pandadoc.api.key={V}"));
        finds(&format!("pandadoc.api.key: {V}"));
        finds(&format!("  pandadoc_token = \"{V}\"\n}}"));
    }

    #[test]
    fn config_sections() {
        finds(&format!("[pandadoc]\napi_key = {V}\n"));
        finds(&format!(
            "[services.pandadoc]\nname = \"docs\"\ntoken = \"{V}\""
        ));
        finds(&format!("pandadoc:\n  url: https://x\n  api_key: {V}\n"));
        finds(&format!("\"pandadoc\": {{\n  \"apiKey\": \"{V}\"\n}}"));
        finds(&format!("provider \"pandadoc\" {{\n  token = \"{V}\"\n}}"));
    }

    #[test]
    fn xml_elements_and_attributes() {
        finds(&format!("<pandadocKey>{V}</pandadocKey>"));
        finds(&format!("<pandadoc-api-key>\n    {V}\n</pandadoc-api-key>"));
        finds(&format!("<add key=\"PandadocKey\" value=\"{V}\" />"));
        finds(&format!("<string name=\"pandadoc_token\">{V}</string>"));
        finds(&format!("<service pandadocKey=\"{V}\"/>"));
    }

    #[test]
    fn key_and_value_apart_by_blanks() {
        finds(&format!("pandadoc.api.key  {V}\nnext 1"));
        finds(&format!("SetEnv PANDADOC_KEY {V}"));
        finds(&format!("fastcgi_param PANDADOC_TOKEN \"{V}\";"));
        finds(&format!("pandadoc secret\t{V}"));
        misses(&format!("pandadoc version {V}"));
        misses(&format!("pandadoc key\n{V}"));
    }

    #[test]
    fn the_name_alone_as_the_key() {
        finds(&format!("pandadoc: {V}"));
        finds(&format!("{{\"pandadoc\": \"{V}\"}}"));
        finds(&format!("PANDADOC={V}"));
        finds(&format!("pandadoc {V}"));
        finds(&format!("pandadoc '{V}' other"));
        finds(&format!("  panda-doc = \"{V}\""));
        misses(&format!("/docs/pandadoc {V}"));
        misses(&format!("mypandadoc: {V}"));
        misses(&format!("pandadoc_version: {V}"));
        misses(&format!("pandadoc.com/commit/{V}"));
        misses(&format!("pandadoc\n{V}"));
    }

    #[test]
    fn a_hyphen_between_key_and_value() {
        finds(&format!("pandadoc-key-{V}"));
        finds(&format!("pandadocSECRET-{V}"));
        finds(&format!("pandadoc token - '{V}'"));
        misses(&format!("pandadoc-version-{V}"));
    }

    #[test]
    fn cli_flags() {
        finds(&format!("tool --pandadoc-token {V} --verbose"));
        finds(&format!("tool --pandadoc-key={V}"));
    }

    #[test]
    fn the_name_on_the_line_above() {
        finds(&format!("# Pandadoc\nkey={V}\nnext=1"));
        finds(&format!("pandadoc is documented\nkey = '{V}'"));
        finds(&format!(
            "[INFO] Sending request to the pandadoc API\n[DEBUG] Using Key={V}"
        ));
        finds(&format!("// Panda-Doc (docs)\r\n  const token = \"{V}\";"));
        finds(&format!("  \"pandadoc\"\n  \"token\": \"{V}\""));
        // A value on the name's line, a line between, the name inside a word,
        // a key that is no credential, the value on a third line.
        misses(&format!("pandadoc_url = x\nkey = '{V}'"));
        misses(&format!("# pandadoc\n\nkey = '{V}'"));
        misses(&format!("# mypandadoc\nkey = '{V}'"));
        misses(&format!("# pandadocs\nkey = '{V}'"));
        misses(&format!("# pandadoc\nversion = '{V}'"));
        misses(&format!("# pandadoc\nmonkey = '{V}'"));
        misses(&format!("# pandadoc\nkey =\n'{V}'"));
    }

    #[test]
    fn http_headers() {
        finds(&format!(
            "curl -H \"X-Pandadoc-Key: {V}\" https://example.com"
        ));
        finds(&format!(
            "curl -H \"Authorization: Bearer {V}\" https://api.pandadoc.com/public/v1"
        ));
        finds(&format!(
            "curl https://api.pandadoc.com/public/v1 -H 'Authorization: API-Key {V}'"
        ));
        finds(&format!(
            "pandadoc_headers = {{'Authorization': 'Bearer {V}'}}"
        ));
    }

    #[test]
    fn url_query_and_user_info() {
        finds(&format!(
            "GET https://api.pandadoc.com/v1/docs?limit=5&api_key={V} HTTP/1.1"
        ));
        finds(&format!("url = \"https://u:{V}@api.pandadoc.com/x\""));
        finds(&format!("https://api.pandadoc.com/x?key={V}\nnext"));
        finds(&format!("pandadoc_url = \"https://x.example/?token={V}\""));
    }

    #[test]
    fn sdk_constructors() {
        finds(&format!("client = pandadoc.Client(api_key=\"{V}\")"));
        finds(&format!("new PandaDocClient({{ apiKey: '{V}' }})"));
        finds(&format!("Pandadoc(\"{V}\")"));
    }

    #[test]
    fn names_with_separators_and_prose() {
        finds(&format!("PANDA_DOC_TOKEN={V}"));
        finds(&format!("pandadoc token = '{V}'"));
    }

    #[test]
    fn wrong_shape_other_names_and_references_miss() {
        misses(&format!("OTHER_API_KEY={V}"));
        misses(&format!("PANDADOC_API_KEY={}", &V[..32]));
        misses(&format!("PANDADOC_API_KEY={V}ab"));
        misses("PANDADOC_API_KEY=${PANDADOC_API_KEY}");
    }

    #[test]
    fn keys_restrict_the_key() {
        let mut ctx = rule();
        ctx.keys = vec!["secret".into()];
        assert!(find(&ctx, &format!("PANDADOC_SECRET={V}")).is_some());
        assert!(find(&ctx, &format!("PANDADOC_ID={V}")).is_none());
    }

    #[test]
    fn keywords_are_names_and_hosts() {
        let mut ctx = rule();
        let words = keywords(&ctx);
        assert_eq!(
            words,
            [
                "pandadoc",
                "panda_doc",
                "panda.doc",
                "panda-doc",
                "panda doc",
                "api.pandadoc.com"
            ]
        );
        // Each keyword is a spelling the name's regex accepts.
        let name = Pattern::new(&format!("(?i:{})", name_pattern("panda-doc"))).unwrap();
        assert!(words[..5].iter().all(|w| name.is_match(w.as_bytes())));
        ctx.names.push("open-weather_map".into());
        let words = keywords(&ctx);
        assert_eq!(words.len(), 6 + 25, "{words:?}");
        assert!(words.contains(&"open.weather map".to_string()));
        ctx.names = vec!["a-b-c-longest".into()];
        assert_eq!(keywords(&ctx), ["longest", "api.pandadoc.com"]);
    }

    #[test]
    fn bad_contexts_are_errors() {
        let mut ctx = rule();
        ctx.secret = "([a-f0-9]{40})".into();
        assert!(expand(&ctx).unwrap_err().contains("capture groups"));
        ctx.secret = "[a-f0-9]+".into();
        assert!(expand(&ctx).unwrap_err().contains("bounded"));
        ctx.secret = "[a-f0-9]{4}".into();
        assert!(expand(&ctx).unwrap_err().contains("at least 8"));
        ctx.secret = "[a-f0-9".into();
        assert!(expand(&ctx).unwrap_err().starts_with("context: secret:"));
        let none = ContextSyntax {
            secret: "[a-f0-9]{40}".into(),
            ..Default::default()
        };
        assert!(expand(&none).unwrap_err().contains("at least one name"));
    }
}
