//! The queries both backends ask in the same words, written once in SQLite's dialect
//! (`?N` parameters, `length` of a blob in bytes); [`for_postgres`] says them in PostgreSQL's.

/// The body of the newest 200 answer to a call of platform `?1` whose stored headers match the
/// LIKE pattern `?2` (its URL's end).
pub const NEWEST_ANSWER_TO: &str = "SELECT answer.body FROM events AS answer JOIN events AS request ON answer.request_seq = request.seq
     WHERE request.platform = ?1 AND request.direction = 'outbound'
       AND request.headers LIKE ?2 ESCAPE '\\'
       AND answer.headers LIKE '[[\":status\",\"200\"]%'
     ORDER BY answer.seq DESC LIMIT 1";

/// Platform `?1`'s newest `?3` inbound bodies whose headers match `?2`, none over `?4` bytes.
pub const NEWEST_RECEIVED: &str = "SELECT body FROM events
     WHERE platform = ?1 AND direction = 'inbound' AND headers LIKE ?2 ESCAPE '\\'
       AND length(body) <= ?4
     ORDER BY seq DESC LIMIT ?3";

/// The first row at or after seq `?1`: its seq and when it was stored.
pub const FIRST_AT_OR_AFTER: &str =
    "SELECT seq, received_at_ms FROM events WHERE seq >= ?1 ORDER BY seq LIMIT 1";

/// Platform `?2`'s lookups (request headers matching `?3`) answered 200 at or after seq `?1`,
/// newest first, at most `?5`, none over `?4` bytes.
pub const ANSWERED_LOOKUPS_SINCE: &str =
    "SELECT request.headers, answer.body, answer.received_at_ms
     FROM events AS answer JOIN events AS request ON answer.request_seq = request.seq
     WHERE answer.seq >= ?1 AND answer.direction = 'response'
       AND request.platform = ?2 AND request.direction = 'outbound'
       AND request.headers LIKE ?3 ESCAPE '\\'
       AND answer.headers LIKE '[[\":status\",\"200\"]%'
       AND length(answer.body) <= ?4
     ORDER BY answer.seq DESC LIMIT ?5";

/// The 200 answer to request `?1`, if one of at most `?2` bytes was stored.
pub const OK_ANSWER_TO: &str = "SELECT seq FROM events
     WHERE request_seq = ?1 AND direction = 'response'
       AND headers LIKE '[[\":status\",\"200\"]%' AND length(body) <= ?2
     ORDER BY seq LIMIT 1";

/// `sql` in PostgreSQL's words: `$N` for `?N`, `octet_length` for a blob's `length`.
pub fn for_postgres(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut rest = sql;
    while let Some(at) = rest.find(['?', 'l']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix('?')
            && after.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('$');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("length(")
            && !out.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            out.push_str("octet_length(");
            rest = after;
        } else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The first seq stored at or after `at_ms` (one past `last_seq` when none is), found by
/// halving over seq — rows arrive in time order — in a few point reads however long the log.
/// `first_at_or_after(seq)` reads [`FIRST_AT_OR_AFTER`].
pub fn first_seq_by_halving<E>(
    at_ms: i64,
    last_seq: i64,
    mut first_at_or_after: impl FnMut(i64) -> Result<Option<(i64, i64)>, E>,
) -> Result<i64, E> {
    let (mut low, mut high) = (1_i64, last_seq + 1);
    // Rows below `low` are older than `at_ms`; the first row at or after `high` is not.
    while low < high {
        let middle = low + (high - low) / 2;
        match first_at_or_after(middle)? {
            Some((seq, received_at_ms)) if received_at_ms < at_ms => low = (seq + 1).min(high),
            // The first row at or after `middle` is new enough (or there is none).
            _ => high = middle,
        }
    }
    Ok(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_said_in_postgres_words() {
        assert_eq!(
            for_postgres(NEWEST_RECEIVED),
            "SELECT body FROM events
     WHERE platform = $1 AND direction = 'inbound' AND headers LIKE $2 ESCAPE '\\'
       AND octet_length(body) <= $4
     ORDER BY seq DESC LIMIT $3"
        );
        assert!(for_postgres(ANSWERED_LOOKUPS_SINCE).contains("octet_length(answer.body) <= $4"));
        assert_eq!(
            for_postgres("a ? b, octet_length(x), ?12"),
            "a ? b, octet_length(x), $12"
        );
    }
}
