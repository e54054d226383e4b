//! `--verify`: ask each secret's provider whether it is live, with the
//! cheapest read-only call the provider documents. Runs after detection, on
//! the findings of a report; each distinct secret (rule, secret and pair)
//! is asked once, by a bounded pool of threads. A secret goes only to the
//! host its rule's verifier names, over https, never to a redirect target.

mod client;
mod sigv4;

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, OnceLock,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use serde_json::Value;

use crate::cancel::Cancel;
use crate::config::{
    fill, https_host, url_escape, Check, Code, HttpCheck, Method, Verifier, STS_HOST,
};
use crate::finding::{Finding, Secret, Summary, Unchecked, Verification};
use crate::rules::RuleSet;

pub use client::{Client, TEST_BASE_ENV};

use client::{Failure, Request, Response};

/// One distinct question to a provider.
struct Job {
    verifier: Arc<Verifier>,
    secret: Secret,
    pair: Option<Secret>,
}

/// Verifies every finding whose rule has a verifier, with at most
/// `concurrency` requests in flight, and sets each finding's `verification`.
/// Once `cancel` is requested, the questions not yet asked are errors.
pub fn run(
    findings: &mut [Finding],
    rules: &RuleSet,
    client: &Client,
    concurrency: usize,
    cancel: &Cancel,
) -> Summary {
    let verifiers: HashMap<&str, &Arc<Verifier>> = rules
        .rules()
        .iter()
        .filter_map(|r| Some((&*r.id, r.verifier.as_ref()?)))
        .collect();
    // Where each (rule, path, commit) was found, for pairs.
    let mut by_place: HashMap<(&str, String, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_place.entry(place(f)).or_default().push(i);
    }
    let mut jobs: Vec<Job> = Vec::new();
    let mut keys: HashMap<(&str, &Secret, Option<&Secret>), usize> = HashMap::new();
    let mut plan: Vec<Result<(usize, Option<usize>), Unchecked>> = Vec::new();
    for f in findings.iter() {
        let Some(&verifier) = verifiers.get(&*f.rule_id) else {
            plan.push(Err(Unchecked::NoVerifier));
            continue;
        };
        let partner = match &verifier.pair {
            None => None,
            Some(id) => {
                let (_, path, commit) = place(f);
                let near = by_place.get(&(id.as_str(), path, commit)).and_then(|c| {
                    c.iter()
                        .min_by_key(|&&j| findings[j].start.line.abs_diff(f.start.line))
                        .copied()
                });
                match near {
                    Some(j) => Some(j),
                    None => {
                        plan.push(Err(Unchecked::NoPair));
                        continue;
                    }
                }
            }
        };
        let pair = partner.map(|j| &findings[j].secret);
        let job = *keys
            .entry((&f.rule_id, &f.secret, pair))
            .or_insert_with(|| {
                jobs.push(Job {
                    verifier: Arc::clone(verifier),
                    secret: f.secret.clone(),
                    pair: pair.cloned(),
                });
                jobs.len() - 1
            });
        plan.push(Ok((job, partner)));
    }
    drop(keys);
    drop(by_place);

    let results: Vec<OnceLock<Verification>> = jobs.iter().map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..concurrency.clamp(1, jobs.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let v = if cancel.is_requested() {
                    Verification::Error("interrupted".into())
                } else {
                    check(client, job)
                };
                let _ = results[i].set(v);
            });
        }
    });

    let mut summary = Summary {
        checked: jobs.len(),
        ..Summary::default()
    };
    for r in &results {
        summary.count(r.get().expect("every job ran"));
    }
    let mut partners: Vec<(usize, Verification)> = Vec::new();
    for (f, step) in findings.iter_mut().zip(plan) {
        f.verification = match step {
            Ok((job, partner)) => {
                let v = results[job].get().expect("every job ran").clone();
                if let Some(j) = partner {
                    partners.push((j, v.clone()));
                }
                v
            }
            Err(why) => Verification::Unknown(why),
        };
    }
    // A key id has no verifier of its own: it shares its secret's answer.
    for (j, v) in partners {
        if findings[j].verification == Verification::Unknown(Unchecked::NoVerifier) {
            findings[j].verification = v;
        }
    }
    summary.unknown = findings
        .iter()
        .filter(|f| matches!(f.verification, Verification::Unknown(_)))
        .count();
    summary
}

fn place(f: &Finding) -> (&str, String, Option<&str>) {
    (
        &f.rule_id,
        f.origin.display_path(),
        f.origin.commit().map(|c| c.id.as_str()),
    )
}

fn check(client: &Client, job: &Job) -> Verification {
    let secret = job.secret.expose();
    let pair = job.pair.as_ref().map(Secret::expose);
    match (&job.verifier.check, pair) {
        (Check::Http(h), _) => http(client, h, secret, pair),
        (Check::Code(Code::AwsSts), Some(key_id)) => aws_sts(client, key_id, secret),
        (Check::Code(Code::AwsSts), None) => Verification::Unknown(Unchecked::NoPair),
    }
}

/// One declarative request, its answer read by status and JSON pointers.
fn http(client: &Client, h: &HttpCheck, secret: &str, pair: Option<&str>) -> Verification {
    let url = fill(&h.url, secret, pair, url_escape);
    // The host is checked at load; this guards the substitution.
    if https_host(&url).ok().as_deref() != Some(h.host.as_str()) {
        return Verification::Error("the secret would change the host: not sent".into());
    }
    let plain = |t: &str| fill(t, secret, pair, str::to_string);
    let mut headers: Vec<(String, String)> = h
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), plain(v)))
        .collect();
    if let Some(basic) = &h.basic {
        headers.push((
            "Authorization".into(),
            format!("Basic {}", base64(plain(basic).as_bytes())),
        ));
    }
    let body = h.body.as_deref().map(plain).unwrap_or_default();
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if body.starts_with('{') && !has(&headers, "content-type") {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    if !has(&headers, "accept") {
        headers.push(("Accept".into(), "application/json".into()));
    }
    let req = Request {
        method: h.method,
        url,
        headers,
        body: body.into_bytes(),
    };
    match client.send(&req) {
        Err(f) => failed(f),
        Ok(resp) => read(h, &resp, secret),
    }
}

fn read(h: &HttpCheck, resp: &Response, secret: &str) -> Verification {
    let s = resp.status;
    if h.live.contains(&s) {
        let json: Option<Value> = serde_json::from_str(&resp.body).ok();
        if let Some(p) = &h.live_when {
            match json.as_ref().and_then(|j| j.pointer(p)) {
                Some(Value::Bool(true)) => {}
                Some(Value::Bool(false)) => return Verification::Revoked,
                _ => return Verification::Error(format!("status {s} without {p}")),
            }
        }
        let identity = h
            .identity
            .as_ref()
            .and_then(|p| json.as_ref()?.pointer(p))
            .and_then(|v| identity(v, secret));
        return Verification::Live { identity };
    }
    if h.revoked.contains(&s) {
        return Verification::Revoked;
    }
    Verification::Error(match s {
        300..=399 => format!("redirected ({s}): not followed"),
        429 => "rate limited (429)".into(),
        _ => format!("unexpected status {s}"),
    })
}

/// An account identity to show: a short string or number, never the secret.
fn identity(v: &Value, secret: &str) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let text: String = text.chars().filter(|c| !c.is_control()).take(120).collect();
    (!text.is_empty() && !text.contains(secret)).then_some(text)
}

fn failed(f: Failure) -> Verification {
    Verification::Error(match f {
        Failure::Timeout => "timeout".into(),
        Failure::Network(what) => what.into(),
    })
}

const STS_BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

/// AWS STS `GetCallerIdentity` (needs no permission), signed with SigV4.
fn aws_sts(client: &Client, key_id: &str, secret: &str) -> Verification {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date = sigv4::amz_date(now);
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let signed = [
        ("content-type", content_type),
        ("host", STS_HOST),
        ("x-amz-date", date.as_str()),
    ];
    let auth = sigv4::authorization(
        &sigv4::Request {
            method: "POST",
            path: "/",
            query: "",
            headers: &signed,
            payload: STS_BODY.as_bytes(),
        },
        &sigv4::Scope {
            key_id,
            secret,
            region: "us-east-1",
            service: "sts",
            amz_date: &date,
        },
    );
    let req = Request {
        method: Method::Post,
        url: format!("https://{STS_HOST}/"),
        headers: vec![
            ("Content-Type".into(), content_type.into()),
            ("X-Amz-Date".into(), date.clone()),
            ("Authorization".into(), auth),
        ],
        body: STS_BODY.as_bytes().to_vec(),
    };
    match client.send(&req) {
        Err(f) => failed(f),
        Ok(r) if r.status == 200 => Verification::Live {
            identity: xml_text(&r.body, "Arn").and_then(|a| identity(&Value::String(a), secret)),
        },
        Ok(r) if r.status == 403 => Verification::Revoked,
        Ok(r) if r.status == 429 => Verification::Error("rate limited (429)".into()),
        Ok(r) => Verification::Error(format!("unexpected status {}", r.status)),
    }
}

/// The text of the first `<tag>...</tag>` in `xml`.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].trim().to_string())
}

/// Standard base64 with padding, for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"api:key"), "YXBpOmtleQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn identities_never_show_the_secret() {
        let v = Value::String("user-sk_live_x".into());
        assert_eq!(identity(&v, "sk_live_x"), None);
        assert_eq!(identity(&Value::from(42), "s").as_deref(), Some("42"));
        assert_eq!(identity(&Value::Bool(true), "s"), None);
    }

    #[test]
    fn xml_text_reads_the_arn() {
        let body =
            "<GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn></GetCallerIdentityResult>";
        assert_eq!(
            xml_text(body, "Arn").as_deref(),
            Some("arn:aws:iam::1:user/a")
        );
        assert_eq!(xml_text(body, "Account"), None);
    }
}
