//! A loopback HTTP server for the tests: the files of a folder (an index, a lock's wheels, a
//! Python mirror), or a server that stalls mid-body. Each connection has its own thread, so a
//! stalled one holds up no other; every request is counted, and so are the requests answered
//! at once.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How the server answers.
#[derive(Clone, Copy, PartialEq)]
pub enum Answer {
    /// Every file whole; `/x/` is `x/index.html`, anything else missing a 404.
    Files,
    /// The first request gets half its file, then nothing for two minutes; later ones whole.
    StallFirst,
    /// Every request gets the headers of a megabyte and three bytes of it, then nothing for 90 s.
    StallAll,
    /// Every file whole, each after a pause of [`SLOW`], as a distant server answers: requests
    /// made side by side overlap.
    Slow,
}

/// How long [`Answer::Slow`] waits before each answer.
pub const SLOW: Duration = Duration::from_millis(300);

pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    requests: Arc<AtomicUsize>,
    most_at_once: Arc<AtomicUsize>,
}

impl Server {
    /// How many requests it has answered.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The most requests it was answering at one time.
    pub fn most_at_once(&self) -> usize {
        self.most_at_once.load(Ordering::SeqCst)
    }

    /// `127.0.0.1:<port>`, for URLs a test writes itself.
    pub fn host(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

/// Serves the files under `dir`.
pub fn serve(dir: PathBuf) -> Server {
    serve_as(dir, Answer::Files)
}

/// Serves `dir` (unused by [`Answer::StallAll`]) answering as `answer` says.
pub fn serve_as(dir: PathBuf, answer: Answer) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let most_at_once = Arc::new(AtomicUsize::new(0));
    let (counter, most) = (requests.clone(), most_at_once.clone());
    let now = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
            let (dir, now, most) = (dir.clone(), now.clone(), most.clone());
            std::thread::spawn(move || {
                most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                respond(stream, &dir, answer, first);
                now.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Server {
        base,
        requests,
        most_at_once,
    }
}

fn respond(stream: TcpStream, dir: &std::path::Path, answer: Answer, first: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The headers, up to the blank line.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let mut stream = stream;
    if answer == Answer::Slow {
        std::thread::sleep(SLOW);
    }
    if answer == Answer::StallAll {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nContent-Type: application/gzip\r\n\r\n\x1f\x8b\x08",
        );
        let _ = stream.flush();
        std::thread::sleep(Duration::from_secs(90));
        return;
    }
    let mut name = line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/')
        .to_string();
    if name.ends_with('/') {
        name.push_str("index.html");
    }
    let Ok(body) = std::fs::read(dir.join(&name)) else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    // uv reads an index page only when it says it is HTML.
    let kind = if name.ends_with(".html") {
        "text/html"
    } else {
        "application/octet-stream"
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: {kind}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if answer == Answer::StallFirst && first {
        let _ = stream.write_all(&body[..body.len() / 2]);
        let _ = stream.flush();
        std::thread::sleep(Duration::from_secs(120));
    } else {
        let _ = stream.write_all(&body);
    }
}
