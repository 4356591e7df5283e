//! One call a platform's API takes, declared once in the platform's module: the composer builds
//! its requests with it, the server's allow-list admits it, the sandbox's router answers it.

/// A method, a path (`{name}` stands for one plain segment, as in axum's routes), and for
/// protobuf APIs the schemas of the request and the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    /// The request's and the answer's protobuf schemas (bodies that do not say what they are).
    pub schemas: Option<(&'static str, &'static str)>,
}

impl Endpoint {
    pub const fn post(path: &'static str) -> Endpoint {
        Endpoint {
            method: "POST",
            path,
            schemas: None,
        }
    }

    pub const fn get(path: &'static str) -> Endpoint {
        Endpoint {
            method: "GET",
            path,
            schemas: None,
        }
    }

    /// The same endpoint, its bodies protobuf messages of these schemas.
    pub const fn protobuf(self, request: &'static str, answer: &'static str) -> Endpoint {
        Endpoint {
            schemas: Some((request, answer)),
            ..self
        }
    }

    /// Whether `path` (a query is ignored) ends with this endpoint's path, which starts with
    /// `/`, so at a segment boundary: a logged URL may carry a prefix before it (the sandbox's
    /// `/yunhu`).
    pub fn ends(&self, path: &str) -> bool {
        path.split('?').next().unwrap_or(path).ends_with(self.path)
    }
}

/// The endpoint of `endpoints` whose path `path` ends with.
pub fn find<'a>(endpoints: &'a [Endpoint], path: &str) -> Option<&'a Endpoint> {
    endpoints.iter().find(|endpoint| endpoint.ends(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_found_behind_a_prefix_and_before_a_query_only_whole() {
        let list = Endpoint::post("/v1/msg/list-message");
        assert!(list.ends("/v1/msg/list-message"));
        assert!(list.ends("/yunhu/v1/msg/list-message?x=1"));
        assert!(!list.ends("/v1/msg/list-message-by-seq"));
        assert!(!Endpoint::post("/msg/list-message").ends("/v1/xmsg/list-message"));
    }
}
