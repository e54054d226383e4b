//! `[rules.verify]` as written, and the checked [`Verifier`] it compiles to.
//! A verifier is either one declarative HTTPS request (method, URL, headers
//! and body with the secret substituted, and which statuses mean live or
//! revoked) or a named check written in code (`code = "aws-sts"`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// HTTP methods a verifier may use (read-only calls only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// `GET` (the default).
    #[default]
    Get,
    /// `POST`, for RPC-style read calls (`auth.test`, GraphQL queries).
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Checks written in code, for providers one request template cannot cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// AWS STS `GetCallerIdentity`, signed with SigV4 (needs `pair`: the key id).
    AwsSts,
}

/// `[rules.verify]` as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifySyntax {
    /// A check written in code instead of a request template.
    pub code: Option<Code>,
    /// `GET` or `POST`.
    #[serde(default)]
    pub method: Method,
    /// `https://HOST/PATH`; `{secret}` (and `{pair}`) may appear after the host.
    pub url: Option<String>,
    /// Request headers; values may hold `{secret}` and `{pair}`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// `USER:PASSWORD` template sent as HTTP basic authentication.
    pub basic: Option<String>,
    /// Request body template (sent as `application/json` when it starts with `{`).
    pub body: Option<String>,
    /// Statuses that mean the secret is live.
    #[serde(default)]
    pub live: Vec<u16>,
    /// Statuses that mean it is revoked or invalid.
    #[serde(default)]
    pub revoked: Vec<u16>,
    /// JSON pointer that must be `true` in a live response (else: revoked).
    pub live_when: Option<String>,
    /// JSON pointer to the account identity in a live response.
    pub identity: Option<String>,
    /// Id of the rule that finds this secret's partner (key id) in the same file.
    pub pair: Option<String>,
}

/// A checked request template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpCheck {
    /// The method.
    pub method: Method,
    /// The host every request goes to (from the URL, never from the secret).
    pub host: String,
    /// The URL template, `https://HOST/...`.
    pub url: String,
    /// Header templates.
    pub headers: Vec<(String, String)>,
    /// Basic-authentication template.
    pub basic: Option<String>,
    /// Body template.
    pub body: Option<String>,
    /// Live statuses.
    pub live: Vec<u16>,
    /// Revoked statuses.
    pub revoked: Vec<u16>,
    /// Pointer that must be `true` when live.
    pub live_when: Option<String>,
    /// Pointer to the identity.
    pub identity: Option<String>,
}

/// How one rule's secrets are checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// One declarative HTTPS request.
    Http(Box<HttpCheck>),
    /// A check in code.
    Code(Code),
}

/// A rule's verifier: the check, and the partner rule it needs, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    /// What to send and how to read the answer.
    pub check: Check,
    /// The rule whose finding in the same file supplies `{pair}`.
    pub pair: Option<String>,
}

/// The AWS STS global endpoint, where `aws-sts` sends its requests.
pub const STS_HOST: &str = "sts.amazonaws.com";

/// Placeholders a template may hold.
const PLACEHOLDERS: [&str; 2] = ["{secret}", "{pair}"];

impl Verifier {
    /// The one host its requests go to.
    pub fn host(&self) -> &str {
        match &self.check {
            Check::Http(h) => &h.host,
            Check::Code(Code::AwsSts) => STS_HOST,
        }
    }

    /// Checks `[rules.verify]`: an `https://` URL whose host holds no
    /// placeholder, statuses given, JSON pointers well formed.
    pub fn new(s: &VerifySyntax) -> Result<Verifier, String> {
        let check = match s.code {
            Some(code) => {
                if s.url.is_some() || !s.headers.is_empty() || s.body.is_some() {
                    return Err("verify: 'code' takes no url, headers or body".into());
                }
                if code == Code::AwsSts && s.pair.is_none() {
                    return Err("verify: code 'aws-sts' needs 'pair' (the key id rule)".into());
                }
                Check::Code(code)
            }
            None => Check::Http(Box::new(http_check(s)?)),
        };
        let uses_pair = match &check {
            Check::Http(h) => templates(h).any(|t| t.contains("{pair}")),
            Check::Code(_) => true,
        };
        if uses_pair != s.pair.is_some() {
            return Err("verify: '{pair}' and 'pair' go together".into());
        }
        Ok(Verifier {
            check,
            pair: s.pair.clone(),
        })
    }
}

fn http_check(s: &VerifySyntax) -> Result<HttpCheck, String> {
    let url = s.url.as_deref().ok_or("verify: needs a url (or code)")?;
    let host = https_host(url)?;
    if s.live.is_empty() {
        return Err("verify: needs the 'live' statuses".into());
    }
    if let Some(code) = s.live.iter().find(|c| s.revoked.contains(c)) {
        return Err(format!("verify: status {code} is both live and revoked"));
    }
    if let Some(code) = s
        .live
        .iter()
        .chain(&s.revoked)
        .find(|c| !(100..600).contains(*c))
    {
        return Err(format!("verify: {code} is not an HTTP status"));
    }
    for p in s.live_when.iter().chain(&s.identity) {
        if !p.starts_with('/') {
            return Err(format!(
                "verify: '{p}' is not a JSON pointer (starts with '/')"
            ));
        }
    }
    for (name, value) in &s.headers {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"-_".contains(&b);
        if name.is_empty() || !name.bytes().all(token) {
            return Err(format!("verify: '{name}' is not a header name"));
        }
        if value.bytes().any(|b| b.is_ascii_control()) {
            return Err(format!("verify: header '{name}' holds a control character"));
        }
    }
    let check = HttpCheck {
        method: s.method,
        host,
        url: url.to_string(),
        headers: s.headers.clone().into_iter().collect(),
        basic: s.basic.clone(),
        body: s.body.clone(),
        live: s.live.clone(),
        revoked: s.revoked.clone(),
        live_when: s.live_when.clone(),
        identity: s.identity.clone(),
    };
    if !templates(&check).any(|t| t.contains("{secret}")) {
        return Err("verify: no template holds '{secret}'".into());
    }
    Ok(check)
}

/// The templates of a check: URL, header values, basic auth, body.
fn templates(h: &HttpCheck) -> impl Iterator<Item = &str> {
    std::iter::once(h.url.as_str())
        .chain(h.headers.iter().map(|(_, v)| v.as_str()))
        .chain(h.basic.as_deref())
        .chain(h.body.as_deref())
}

/// The host of an `https://HOST/...` URL: lowercase letters, digits, dots and
/// dashes only (no port, user or placeholder), followed by `/` or the end.
pub fn https_host(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| format!("verify: url '{url}' is not https://"))?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = &rest[..end];
    let valid = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-';
    if host.is_empty() || !host.bytes().all(valid) || !host.contains('.') {
        return Err(format!("verify: url '{url}' needs a plain host name"));
    }
    Ok(host.to_string())
}

/// Fills a template: `{secret}` and `{pair}` by their values, each passed
/// through `escape` (percent-encoding in URLs, nothing elsewhere).
pub fn fill(
    template: &str,
    secret: &str,
    pair: Option<&str>,
    escape: fn(&str) -> String,
) -> String {
    let mut out = template.replace(PLACEHOLDERS[0], &escape(secret));
    if let Some(p) = pair {
        out = out.replace(PLACEHOLDERS[1], &escape(p));
    }
    out
}

/// Percent-encodes all but RFC 3986 unreserved characters and `:`.
pub fn url_escape(s: &str) -> String {
    crate::percent::encode(s, b"-._~:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(url: &str) -> VerifySyntax {
        VerifySyntax {
            url: Some(url.into()),
            headers: [("Authorization".into(), "Bearer {secret}".into())].into(),
            live: vec![200],
            revoked: vec![401],
            ..VerifySyntax::default()
        }
    }

    #[test]
    fn a_verifier_needs_https_and_a_fixed_host() {
        assert!(Verifier::new(&syntax("https://api.example.com/v1/me")).is_ok());
        for bad in [
            "http://api.example.com/me",
            "https://{secret}.example.com/me",
            "https://api.example.com:8443/me",
            "https://user@api.example.com/me",
            "https://localhost/me",
        ] {
            let err = Verifier::new(&syntax(bad)).unwrap_err();
            assert!(err.contains("url"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_verifier_must_send_the_secret_and_read_statuses() {
        let mut s = syntax("https://api.example.com/me");
        s.headers.clear();
        assert!(Verifier::new(&s).unwrap_err().contains("{secret}"));
        let mut s = syntax("https://api.example.com/me");
        s.live.clear();
        assert!(Verifier::new(&s).unwrap_err().contains("live"));
        let mut s = syntax("https://api.example.com/me");
        s.revoked = vec![200];
        assert!(Verifier::new(&s).unwrap_err().contains("both"));
        let mut s = syntax("https://api.example.com/me");
        s.pair = Some("x".into());
        assert!(Verifier::new(&s).unwrap_err().contains("pair"));
    }

    #[test]
    fn templates_are_filled_and_escaped_in_urls() {
        let url = fill(
            "https://h.io/bot{secret}/x?k={pair}",
            "1:a/b",
            Some("c d"),
            url_escape,
        );
        assert_eq!(url, "https://h.io/bot1:a%2Fb/x?k=c%20d");
        assert_eq!(
            fill("Bearer {secret}", "a/b", None, str::to_string),
            "Bearer a/b"
        );
    }
}
