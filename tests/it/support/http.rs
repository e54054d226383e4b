//! A tiny HTTP/1.1 server on 127.0.0.1 that stands in for every provider in
//! the `--verify` tests (through `LEAKHOUND_TEST_VERIFY_BASE`, which sends
//! `https://HOST/PATH` to `BASE/HOST/PATH`). It records each request and
//! answers what the test's route function says. No real network is used.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    thread,
    time::Duration,
};

/// One request as received.
#[derive(Clone, Debug)]
pub struct Hit {
    /// `GET`, `POST`.
    pub method: String,
    /// The path, starting with the provider host: `/api.github.com/user`.
    pub path: String,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Hit {
    /// The value of header `name` (lowercase), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to answer.
pub enum Reply {
    /// A status and a JSON (or other) body.
    Status(u16, String),
    /// `302 Found` to this location.
    Redirect(String),
    /// Never answer (until the client gives up).
    Hang,
}

type Route = dyn Fn(&Hit) -> Reply + Send + Sync;

/// A running fake provider.
pub struct FakeProvider {
    addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
    connections: Arc<AtomicUsize>,
}

impl FakeProvider {
    /// Starts a server answering with `route`.
    pub fn start(route: impl Fn(&Hit) -> Reply + Send + Sync + 'static) -> FakeProvider {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let route: Arc<Route> = Arc::new(route);
        let (h, c) = (Arc::clone(&hits), Arc::clone(&connections));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                c.fetch_add(1, Ordering::SeqCst);
                let (h, route) = (Arc::clone(&h), Arc::clone(&route));
                thread::spawn(move || serve(stream, &h, &*route));
            }
        });
        FakeProvider {
            addr,
            hits,
            connections,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// TCP connections accepted so far (requests or not).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, hits: &Mutex<Vec<Hit>>, route: &Route) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let hit = Hit {
        method: method.to_string(),
        path: path.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    hits.lock().unwrap().push(hit.clone());
    let (status, extra, body) = match route(&hit) {
        Reply::Status(s, body) => (s, String::new(), body),
        Reply::Redirect(to) => (302, format!("Location: {to}\r\n"), String::new()),
        Reply::Hang => {
            thread::sleep(Duration::from_secs(8));
            return;
        }
    };
    let mut out = &stream;
    let _ = write!(
        out,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
