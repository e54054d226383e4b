//! AWS Signature Version 4, just enough to sign one STS
//! `GetCallerIdentity` call: canonical request, string to sign, signing key
//! and the `Authorization` header. Tested against AWS's published suite.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::calendar::civil_from_days;
use crate::finding::hex;

/// What is signed: a request whose query is already in canonical order.
pub struct Request<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The absolute path, already URI-encoded (`/`).
    pub path: &'a str,
    /// The canonical query string (`A=1&B=2`, sorted), or empty.
    pub query: &'a str,
    /// Headers to sign (`host` and `x-amz-date` at least), any case.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub payload: &'a [u8],
}

/// Who signs, where and when.
pub struct Scope<'a> {
    /// Access key id.
    pub key_id: &'a str,
    /// Secret access key.
    pub secret: &'a str,
    /// Region, e.g. `us-east-1`.
    pub region: &'a str,
    /// Service, e.g. `sts`.
    pub service: &'a str,
    /// `YYYYMMDDTHHMMSSZ`, the `x-amz-date` header's value.
    pub amz_date: &'a str,
}

/// The `Authorization` header value for `req`.
pub fn authorization(req: &Request<'_>, scope: &Scope<'_>) -> String {
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_ascii_lowercase(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    headers.sort();
    let signed: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed}\n{}",
        req.method,
        req.path,
        req.query,
        hex(&Sha256::digest(req.payload))
    );
    let date = &scope.amz_date[..8.min(scope.amz_date.len())];
    let credential_scope = format!("{date}/{}/{}/aws4_request", scope.region, scope.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{credential_scope}\n{}",
        scope.amz_date,
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let mut key = hmac(format!("AWS4{}", scope.secret).as_bytes(), date.as_bytes());
    for part in [scope.region, scope.service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = hex(&hmac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{credential_scope}, SignedHeaders={signed}, Signature={signature}",
        scope.key_id
    )
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// `YYYYMMDDTHHMMSSZ` for a time in seconds since the Unix epoch (UTC).
pub fn amz_date(unix: u64) -> String {
    let (days, secs) = (unix / 86_400, unix % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's Signature Version 4 test suite: credentials, region, service and time.
    const SUITE: Scope<'static> = Scope {
        key_id: "AKIDEXAMPLE",
        secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
        service: "service",
        amz_date: "20150830T123600Z",
    };
    const HEADERS: &[(&str, &str)] = &[
        ("Host", "example.amazonaws.com"),
        ("X-Amz-Date", "20150830T123600Z"),
    ];
    const PREFIX: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=";

    fn sign(method: &str, query: &str) -> String {
        let req = Request {
            method,
            path: "/",
            query,
            headers: HEADERS,
            payload: b"",
        };
        authorization(&req, &SUITE)
    }

    #[test]
    fn get_vanilla() {
        assert_eq!(
            sign("GET", ""),
            format!("{PREFIX}5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        );
    }

    #[test]
    fn post_vanilla() {
        assert_eq!(
            sign("POST", ""),
            format!("{PREFIX}5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
        );
    }

    #[test]
    fn get_vanilla_query_order_key_case() {
        assert_eq!(
            sign("GET", "Param1=value1&Param2=value2"),
            format!("{PREFIX}b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        );
    }

    #[test]
    fn dates_are_utc_civil_time() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
        assert_eq!(amz_date(0), "19700101T000000Z");
    }
}
