//! The HTTP client pvm downloads with (Python builds, a lock's wheels): ureq, trusting the
//! certificates in `SSL_CERT_FILE` when it is set (as uv, pip and curl do: a company proxy's
//! root), Mozilla's roots otherwise.

use std::io::Read;

use ureq::tls::{PemItem, RootCerts, TlsConfig};

/// An agent with the roots in force.
pub fn agent() -> ureq::Agent {
    // A server that never answers fails the download instead of hanging pvm (which may hold
    // an env's lock); a slow body is not cut off.
    let mut config = ureq::Agent::config_builder()
        .timeout_connect(Some(std::time::Duration::from_secs(30)))
        .timeout_recv_response(Some(std::time::Duration::from_secs(60)));
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty())
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
    config.build().new_agent()
}

/// A reader of `url`'s body and its length when the server says.
pub fn get(url: &str) -> Result<(Box<dyn Read + Send>, Option<u64>), String> {
    let response = agent().get(url).call().map_err(|err| err.to_string())?;
    let total = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok((Box::new(response.into_body().into_reader()), total))
}
