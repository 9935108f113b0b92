//! The HTTP client pvm downloads with (Python builds, a lock's wheels): ureq, trusting the
//! certificates in `SSL_CERT_FILE` when it is set (as uv, pip and curl do: a company proxy's
//! root), Mozilla's roots otherwise. A server that stops sending fails the download after
//! `PVM_HTTP_TIMEOUT` seconds without data, tried [`ATTEMPTS`] times: pvm may hold an env's
//! lock meanwhile, and a download that hangs would hold it forever.

use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ureq::tls::{PemItem, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::config::Config;
use crate::fsutil;
use crate::hint::Hint;

/// The variable that sets how long a connection or one read may wait, in seconds (uv's
/// `UV_HTTP_TIMEOUT`).
pub const TIMEOUT_VAR: &str = "PVM_HTTP_TIMEOUT";

/// uv's default: long enough for a slow link, short enough that a dead one is noticed.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Part of the hints for a failed download.
pub const SLOW_LINK: &str =
    "a slow link may need a longer PVM_HTTP_TIMEOUT (seconds, 30 by default)";

/// How many times a download is tried when the connection fails or stalls.
pub const ATTEMPTS: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{TIMEOUT_VAR}={0:?} is not a number of seconds")]
    BadTimeout(String),
    #[error("cannot download {url}: {reason}")]
    Failed { url: String, reason: String },
}

impl Hint for HttpError {
    fn hint(&self) -> Option<String> {
        Some(match self {
            HttpError::BadTimeout(_) => {
                format!("set {TIMEOUT_VAR} to seconds, e.g. 60, or unset it")
            }
            HttpError::Failed { .. } => format!("check the network and the URL; {SLOW_LINK}"),
        })
    }
}

/// The wait allowed for a connection and for each read: `PVM_HTTP_TIMEOUT`, else 30 s.
pub fn timeout(config: &Config) -> Result<Duration, HttpError> {
    parse_timeout(config.pvm_http_timeout.clone())
}

/// `PVM_HTTP_TIMEOUT` when it is set (and valid): what the installers pvm starts are given too.
pub fn timeout_set(config: &Config) -> Option<Duration> {
    config
        .pvm_http_timeout
        .clone()
        .and_then(|text| parse_timeout(Some(text)).ok())
}

fn parse_timeout(value: Option<String>) -> Result<Duration, HttpError> {
    match value {
        None => Ok(DEFAULT_TIMEOUT),
        Some(text) if text.trim().is_empty() => Ok(DEFAULT_TIMEOUT),
        Some(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|secs| secs.is_finite() && *secs > 0.0)
            .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
            .ok_or(HttpError::BadTimeout(text)),
    }
}

/// An agent with the roots (`SSL_CERT_FILE`'s too) and `timeout` in force.
fn agent_with(timeout: Duration, cert_file: Option<&Path>) -> ureq::Agent {
    // A server that never answers, or stops in the middle of a body, fails the try; a slow
    // body that keeps coming is not cut off.
    let mut config = ureq::Agent::config_builder()
        .timeout_connect(Some(timeout))
        .timeout_per_read(Some(timeout))
        // A client is shared by as many downloads as pvm makes at once, to one or two hosts:
        // each may keep its connection for the next.
        .max_idle_connections(crate::parallel::IO_WORKERS)
        .max_idle_connections_per_host(crate::parallel::IO_WORKERS);
    if let Some(file) = cert_file
        && let Ok(pem) = std::fs::read(file)
    {
        let certs: Vec<_> = ureq::tls::parse_pem(&pem)
            .filter_map(|item| match item {
                Ok(PemItem::Certificate(cert)) => Some(cert.to_owned()),
                _ => None,
            })
            .collect();
        if !certs.is_empty() {
            config = config.tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::new_with_certs(&certs))
                    .build(),
            );
        }
    }
    ureq::Agent::with_parts(
        config.build(),
        DefaultConnector::new(),
        SharedLookups::default(),
    )
}

/// The addresses of the hosts an agent reached, looked up once per host: downloads made side
/// by side all ask for the same one or two hosts, and among dozens of lookups at once one
/// answer is often lost, which stalls its download for glibc's 5 s retry (seen: 4 of 31 wheels
/// of a cold sync). The first download looks the host up; the others wait for it and share
/// what it found. A failed lookup is not kept: the next download tries again.
#[derive(Debug, Default)]
struct SharedLookups {
    hosts: Mutex<HashMap<String, Arc<Mutex<Option<ResolvedSocketAddrs>>>>>,
}

impl Resolver for SharedLookups {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or_default(),
            uri.authority().map_or("", |authority| authority.as_str())
        );
        let host = lock(&self.hosts).entry(key).or_default().clone();
        let mut found = lock(&host);
        if let Some(addresses) = found.as_ref() {
            return Ok(addresses.clone());
        }
        let addresses = DefaultResolver::default().resolve(uri, config, timeout)?;
        *found = Some(addresses.clone());
        Ok(addresses)
    }
}

/// A lock whose holder panicked still guards plain data.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where a download's bytes go. A try that fails part way is followed by a new one from the
/// start, so [`Sink::start`] must forget what earlier tries wrote.
pub trait Sink {
    type Error;
    /// A try begins; `total` is the body's length when the server says.
    fn start(&mut self, total: Option<u64>) -> Result<(), Self::Error>;
    fn write(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
}

/// Why a download failed: the network (after the tries), or the sink.
#[derive(Debug)]
pub enum Failure<E> {
    Http(HttpError),
    Sink(E),
}

impl<E> From<HttpError> for Failure<E> {
    fn from(err: HttpError) -> Failure<E> {
        Failure::Http(err)
    }
}

/// Streams `url`'s body into `sink`, trying again (up to [`ATTEMPTS`] tries in all, a moment
/// apart) when the connection fails or stalls. The error names the URL without credentials.
pub fn download<S: Sink>(
    config: &Config,
    url: &str,
    sink: &mut S,
) -> Result<(), Failure<S::Error>> {
    Client::new(config)?.download(url, sink)
}

/// One client for many downloads, shared by the threads that make them: its connections (and
/// their TLS sessions) are kept and reused from one download to the next, as uv's are, and the
/// certificates are read once.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Client {
    pub fn new(config: &Config) -> Result<Client, HttpError> {
        let timeout = timeout(config)?;
        Ok(Client {
            agent: agent_with(timeout, config.ssl_cert_file.as_deref()),
            timeout,
        })
    }

    /// As [`download`], through this client's connections.
    pub fn download<S: Sink>(&self, url: &str, sink: &mut S) -> Result<(), Failure<S::Error>> {
        download_with(&self.agent, self.timeout, url, sink)
    }
}

fn download_with<S: Sink>(
    agent: &ureq::Agent,
    timeout: Duration,
    url: &str,
    sink: &mut S,
) -> Result<(), Failure<S::Error>> {
    let mut attempt = 1;
    loop {
        let reason = match try_once(agent, timeout, url, sink)? {
            Ok(()) => return Ok(()),
            Err(Try::Final(reason)) => reason,
            Err(Try::Again(_)) if attempt < ATTEMPTS => {
                std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
                attempt += 1;
                continue;
            }
            Err(Try::Again(reason)) => format!("{reason} ({attempt} tries)"),
        };
        let shown = fsutil::strip_credentials(url);
        // ureq may quote the URL it was given: never with the credentials.
        let reason = reason.replace(url, &shown);
        return Err(Failure::Http(HttpError::Failed { url: shown, reason }));
    }
}

/// How one try failed: worth another, or not (a 404 stays a 404).
enum Try {
    Again(String),
    Final(String),
}

/// One try: the outer error is the sink's, the inner one the network's.
fn try_once<S: Sink>(
    agent: &ureq::Agent,
    timeout: Duration,
    url: &str,
    sink: &mut S,
) -> Result<Result<(), Try>, Failure<S::Error>> {
    let response = match agent.get(url).call() {
        Ok(response) => response,
        Err(err) => return Ok(Err(classify(err, timeout))),
    };
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    sink.start(total).map_err(Failure::Sink)?;
    let mut reader = response.into_body().into_reader();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // Anything the body's reader says went wrong on the way.
            Err(err) => return Ok(Err(Try::Again(read_failure(err, timeout)))),
        };
        if read == 0 {
            return Ok(Ok(()));
        }
        sink.write(&buffer[..read]).map_err(Failure::Sink)?;
    }
}

fn classify(err: ureq::Error, timeout: Duration) -> Try {
    match err {
        ureq::Error::Timeout(_) => Try::Again(stalled(timeout)),
        ureq::Error::Io(err) => Try::Again(read_failure(err, timeout)),
        ureq::Error::ConnectionFailed | ureq::Error::Protocol(_) => Try::Again(err.to_string()),
        other => Try::Final(other.to_string()),
    }
}

fn read_failure(err: io::Error, timeout: Duration) -> String {
    // ureq hands its own timeouts to the body's reader inside an io::Error.
    let ureq_timeout = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
        .is_some_and(|inner| matches!(inner, ureq::Error::Timeout(_)));
    if ureq_timeout || err.kind() == io::ErrorKind::TimedOut {
        stalled(timeout)
    } else {
        err.to_string()
    }
}

fn stalled(timeout: Duration) -> String {
    format!("no data for {} s", timeout.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// Bytes kept in memory, counting the tries.
    #[derive(Default)]
    struct Memory {
        bytes: Vec<u8>,
        starts: u32,
    }

    impl Sink for Memory {
        type Error = io::Error;
        fn start(&mut self, _: Option<u64>) -> io::Result<()> {
            self.bytes.clear();
            self.starts += 1;
            Ok(())
        }
        fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
            self.bytes.extend_from_slice(bytes);
            Ok(())
        }
    }

    /// A server whose first `stalls` answers send headers and a few bytes, then nothing; the
    /// next one sends the whole body.
    fn server(stalls: usize) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://user:secret@{}/archive.tar.gz",
            listener.local_addr().unwrap()
        );
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for (n, stream) in listener.incoming().flatten().enumerate() {
                let mut stream = stream;
                let mut request = [0u8; 4096];
                let _ = io::Read::read(&mut stream, &mut request);
                if n < stalls {
                    let _ =
                        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhalf");
                    held.push(stream);
                } else {
                    let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwhole");
                }
            }
        });
        url
    }

    #[test]
    fn a_stalled_body_is_tried_again_then_fails_naming_the_url_without_credentials() {
        let timeout = Duration::from_millis(500);
        let agent = agent_with(timeout, None);
        let mut sink = Memory::default();
        download_with(&agent, timeout, &server(1), &mut sink).unwrap();
        assert_eq!((sink.bytes.as_slice(), sink.starts), (&b"whole"[..], 2));

        let mut sink = Memory::default();
        let started = std::time::Instant::now();
        let err = match download_with(&agent, timeout, &server(usize::MAX), &mut sink) {
            Err(Failure::Http(err)) => err.to_string(),
            _ => panic!("a stalled server fails the download"),
        };
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(sink.starts, ATTEMPTS);
        assert!(
            err.contains("/archive.tar.gz") && err.contains("no data for 0.5 s (3 tries)"),
            "{err}"
        );
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn a_host_is_looked_up_once_for_every_download_to_it() {
        let lookups = SharedLookups::default();
        let config = ureq::config::Config::default();
        let uri: ureq::http::Uri = "http://localhost:8/a.whl".parse().unwrap();
        let found: Vec<_> = (0..3)
            .map(|_| {
                let addresses = lookups
                    .resolve(&uri, &config, NextTimeout::default())
                    .unwrap();
                addresses.iter().copied().collect::<Vec<_>>()
            })
            .collect();
        assert!(found.iter().all(|addresses| *addresses == found[0]));
        assert!(found[0].iter().all(|address| address.ip().is_loopback()));
        let hosts = lock(&lookups.hosts);
        assert_eq!(hosts.keys().collect::<Vec<_>>(), ["http://localhost:8"]);
    }

    #[test]
    fn the_timeout_is_seconds_or_the_default() {
        assert_eq!(parse_timeout(None).unwrap(), DEFAULT_TIMEOUT);
        assert_eq!(parse_timeout(Some(" ".into())).unwrap(), DEFAULT_TIMEOUT);
        assert_eq!(
            parse_timeout(Some("1.5".into())).unwrap(),
            Duration::from_millis(1500)
        );
        for bad in ["soon", "0", "-3", "inf"] {
            assert!(matches!(
                parse_timeout(Some(bad.into())),
                Err(HttpError::BadTimeout(_))
            ));
        }
    }
}
