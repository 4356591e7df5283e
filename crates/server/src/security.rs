//! Security headers on every response. The CSP lets the app's wasm run (`'wasm-unsafe-eval'`)
//! and allows exactly one inline script — Trunk's loader, pinned by its hash — and nothing else.

use std::path::Path;

use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, HeaderName, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// The CSP for the built app in `dist`: its inline loader scripts allowed by hash.
pub fn content_security_policy(dist: &Path) -> String {
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let hashes: String = inline_scripts(&index)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; \
         manifest-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The text of every `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<script").filter_map(move |(start, _)| {
        let open_end = start + html[start..].find('>')?;
        let open_tag = &html[start..open_end];
        if open_tag.contains("src=") {
            return None;
        }
        let body_start = open_end + 1;
        let body_end = body_start + html[body_start..].find("</script>")?;
        Some(&html[body_start..body_end])
    })
}

/// The headers every response carries; with `https` (the console's `public_url` is https),
/// HSTS too, so a browser never falls back to plain http for it.
pub fn layers(csp: &str, https: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let mut layers = vec![
        SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(csp).expect("the CSP is ASCII"),
        ),
        fixed(X_CONTENT_TYPE_OPTIONS, "nosniff"),
        fixed(X_FRAME_OPTIONS, "DENY"),
        fixed(REFERRER_POLICY, "no-referrer"),
        fixed(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        fixed(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ];
    if https {
        layers.push(fixed(STRICT_TRANSPORT_SECURITY, "max-age=31536000"));
    }
    layers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = "<script type=\"module\">\nimport init from '/a.js';\n</script><script src=\"/b.js\"></script>";
        let scripts: Vec<&str> = inline_scripts(html).collect();
        assert_eq!(scripts, vec!["\nimport init from '/a.js';\n"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), html).unwrap();
        let csp = content_security_policy(dir.path());
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
