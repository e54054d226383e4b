//! The HTTP client behind `--verify`: ureq (blocking, rustls), one global
//! timeout per request, redirects never followed, https only. Error texts
//! are fixed strings: a URL may hold the secret, so none is ever quoted.

use std::time::Duration;

use crate::config::Method;

/// Test hook: `http://127.0.0.1:PORT` (loopback only) that stands in for
/// every provider host: `https://HOST/PATH` is sent to `BASE/HOST/PATH`.
pub const TEST_BASE_ENV: &str = "LEAKHOUND_TEST_VERIFY_BASE";

/// One request to send.
pub struct Request {
    /// The method.
    pub method: Method,
    /// `https://HOST/...`.
    pub url: String,
    /// Headers (the secret may be in them).
    pub headers: Vec<(String, String)>,
    /// Body, for `POST`.
    pub body: Vec<u8>,
}

/// What came back.
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body, at most [`MAX_BODY`] bytes, lossily UTF-8.
    pub body: String,
}

/// Why no response came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The per-request timeout passed.
    Timeout,
    /// DNS, connection, TLS or protocol failure, named without the URL.
    Network(&'static str),
}

/// Largest response body read (identities are near the start).
const MAX_BODY: u64 = 256 * 1024;

/// A configured agent.
pub struct Client {
    agent: ureq::Agent,
    test_base: Option<String>,
}

impl Client {
    /// A client with this per-request timeout; reads [`TEST_BASE_ENV`].
    pub fn new(timeout: Duration) -> Result<Client, String> {
        let test_base = match std::env::var(TEST_BASE_ENV) {
            Ok(base) if !base.is_empty() => Some(loopback(&base)?),
            _ => None,
        };
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .https_only(test_base.is_none())
            .user_agent(concat!("leakhound/", env!("CARGO_PKG_VERSION")));
        if test_base.is_some() {
            config = config.proxy(None);
        }
        Ok(Client {
            agent: config.build().into(),
            test_base,
        })
    }

    /// Sends `req` and reads the status and (the start of) the body.
    pub fn send(&self, req: &Request) -> Result<Response, Failure> {
        let url = match &self.test_base {
            Some(base) => format!("{base}/{}", req.url.trim_start_matches("https://")),
            None => req.url.clone(),
        };
        let result = match req.method {
            Method::Get => {
                let mut r = self.agent.get(&url);
                for (k, v) in &req.headers {
                    r = r.header(k, v);
                }
                r.call()
            }
            Method::Post => {
                let mut r = self.agent.post(&url);
                for (k, v) in &req.headers {
                    r = r.header(k, v);
                }
                r.send(&req.body[..])
            }
        };
        let mut resp = result.map_err(failure)?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .or_else(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => Ok(Vec::new()),
                e => Err(failure(e)),
            })?;
        Ok(Response {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// The test base, if it is a loopback `http://` URL.
fn loopback(base: &str) -> Result<String, String> {
    let base = base.trim_end_matches('/');
    let port = ["http://127.0.0.1:", "http://[::1]:", "http://localhost:"]
        .iter()
        .find_map(|p| base.strip_prefix(p));
    if !port.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!(
            "{TEST_BASE_ENV} must be a loopback http:// URL (127.0.0.1, [::1] or localhost with a port)"
        ));
    }
    Ok(base.to_string())
}

fn failure(e: ureq::Error) -> Failure {
    match e {
        ureq::Error::Timeout(_) => Failure::Timeout,
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => Failure::Timeout,
        ureq::Error::HostNotFound => Failure::Network("host not found"),
        ureq::Error::ConnectionFailed => Failure::Network("connection failed"),
        ureq::Error::Io(_) => Failure::Network("connection error"),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => Failure::Network("TLS error"),
        _ => Failure::Network("request failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_base_must_be_loopback() {
        assert_eq!(
            loopback("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(loopback("http://[::1]:9").is_ok());
        for bad in [
            "https://127.0.0.1:1",
            "http://10.0.0.1:80",
            "http://127.0.0.1.evil.io:1",
            "http://localhost",
            "http://127.0.0.1:80@evil.io",
        ] {
            assert!(loopback(bad).is_err(), "{bad}");
        }
    }
}
