//! One parser for JSON and for Node.js console dumps of protobufjs objects (unquoted keys,
//! single-quoted strings, `l { key, value }` class-prefixed objects, `Long { low, high, unsigned }`).
//! Unlike serde_json it keeps key order, exact number text and the byte span of every value.

use std::fmt;
use std::ops::Range;

use compact_str::CompactString;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// RFC 8259 JSON, nothing else.
    Json,
    /// JSON with `//` and `/* */` comments and trailing commas, as API documentation writes it.
    Jsonc,
    /// What Node's `console.log`/`util.inspect` prints (comments allowed too).
    NodeDump,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Literal {
    pub span: Range<usize>,
    #[serde(flatten)]
    pub value: LiteralValue,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum LiteralValue {
    Null,
    Bool(bool),
    /// The number exactly as written (or, for a protobufjs `Long`, its exact decimal value).
    Number(CompactString),
    String(CompactString),
    Array(Vec<Literal>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub key: CompactString,
    pub key_span: Range<usize>,
    pub value: Literal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    pub offset: usize,
    pub expected: &'static str,
    pub found: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {}: expected {}, found {}",
            self.offset, self.expected, self.found
        )
    }
}

impl std::error::Error for SyntaxError {}

const MAX_DEPTH: usize = 128;

/// Parses one complete value; only whitespace may follow it.
pub fn parse(text: &str, dialect: Dialect) -> Result<Literal, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        position: 0,
        dialect,
        depth: 0,
    };
    parser.skip_whitespace();
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.position < parser.bytes.len() {
        return Err(parser.error("end of input after the value"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
    dialect: Dialect,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, expected: &'static str) -> SyntaxError {
        let found = match self.text[self.position..].chars().next() {
            None => "end of input".to_owned(),
            Some(c) => format!("{c:?}"),
        };
        SyntaxError {
            offset: self.position,
            expected,
            found,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(byte) = self.peek() {
            if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                self.position += 1;
            } else if byte == b'/' && self.dialect != Dialect::Json {
                match self.bytes.get(self.position + 1) {
                    Some(b'/') => self.position = line_comment_end(self.bytes, self.position),
                    Some(b'*') => {
                        self.position = match self.text[self.position + 2..].find("*/") {
                            Some(end) => self.position + 2 + end + 2,
                            None => self.bytes.len(),
                        }
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.position += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn value(&mut self) -> Result<Literal, SyntaxError> {
        let start = self.position;
        let value = match self.peek() {
            Some(b'{') => self.nested(|parser| parser.object(start))?,
            Some(b'[') => self.nested(|parser| parser.array())?,
            Some(b'"') => LiteralValue::String(self.string(b'"')?),
            Some(b'\'') if self.dialect == Dialect::NodeDump => {
                LiteralValue::String(self.string(b'\'')?)
            }
            Some(b'-' | b'0'..=b'9') => LiteralValue::Number(self.number()?),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => self.word(start)?,
            _ => return Err(self.error("a value")),
        };
        Ok(Literal {
            span: start..self.position,
            value,
        })
    }

    fn nested(
        &mut self,
        parse: impl FnOnce(&mut Self) -> Result<LiteralValue, SyntaxError>,
    ) -> Result<LiteralValue, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nesting within 128 levels"));
        }
        self.depth += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    /// `true`, `false`, `null`; in Node dumps also `undefined` and class-prefixed objects.
    fn word(&mut self, start: usize) -> Result<LiteralValue, SyntaxError> {
        let word = self.identifier();
        match word {
            "true" => return Ok(LiteralValue::Bool(true)),
            "false" => return Ok(LiteralValue::Bool(false)),
            "null" => return Ok(LiteralValue::Null),
            _ => {}
        }
        if self.dialect == Dialect::NodeDump {
            if word == "undefined" {
                return Ok(LiteralValue::Null);
            }
            self.skip_whitespace();
            if self.peek() == Some(b'{') {
                let class = word.to_owned();
                let object_start = self.position;
                let object = self.nested(|parser| parser.object(object_start))?;
                if class == "Long" {
                    return long_value(&object).ok_or(SyntaxError {
                        offset: start,
                        expected: "a Long with numeric low and high",
                        found: "other members".into(),
                    });
                }
                return Ok(object);
            }
        }
        self.position = start;
        Err(self.error("a value"))
    }

    fn identifier(&mut self) -> &'a str {
        let text = self.text;
        let start = self.position;
        while let Some(byte) = self.peek() {
            if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' {
                self.position += 1;
            } else {
                break;
            }
        }
        &text[start..self.position]
    }

    fn object(&mut self, _start: usize) -> Result<LiteralValue, SyntaxError> {
        self.expect(b'{', "'{'")?;
        let mut members = Vec::new();
        loop {
            self.skip_whitespace();
            if self.peek() == Some(b'}') {
                if !members.is_empty() && self.dialect == Dialect::Json {
                    return Err(self.error("a member after ','"));
                }
                self.position += 1;
                return Ok(LiteralValue::Object(members));
            }
            let key_start = self.position;
            let key = match self.peek() {
                Some(b'"') => self.string(b'"')?,
                Some(b'\'') if self.dialect == Dialect::NodeDump => self.string(b'\'')?,
                Some(b)
                    if self.dialect == Dialect::NodeDump
                        && (b.is_ascii_alphanumeric() || b == b'_' || b == b'$') =>
                {
                    CompactString::from(self.identifier())
                }
                _ => return Err(self.error("a member name")),
            };
            let key_span = key_start..self.position;
            self.skip_whitespace();
            self.expect(b':', "':' after the member name")?;
            self.skip_whitespace();
            let value = self.value()?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b'}') => {
                    self.position += 1;
                    return Ok(LiteralValue::Object(members));
                }
                _ => return Err(self.error("',' or '}'")),
            }
        }
    }

    fn array(&mut self) -> Result<LiteralValue, SyntaxError> {
        self.expect(b'[', "'['")?;
        let mut items = Vec::new();
        loop {
            self.skip_whitespace();
            if self.peek() == Some(b']') {
                if !items.is_empty() && self.dialect == Dialect::Json {
                    return Err(self.error("a value after ','"));
                }
                self.position += 1;
                return Ok(LiteralValue::Array(items));
            }
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b']') => {
                    self.position += 1;
                    return Ok(LiteralValue::Array(items));
                }
                _ => return Err(self.error("',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<CompactString, SyntaxError> {
        let start = self.position;
        if self.peek() == Some(b'-') {
            self.position += 1;
        }
        match self.peek() {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.position += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("a digit after '.'"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.position += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.position += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("a digit in the exponent"));
            }
            self.digits();
        }
        Ok(CompactString::from(&self.text[start..self.position]))
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.position += 1;
        }
    }

    fn string(&mut self, quote: u8) -> Result<CompactString, SyntaxError> {
        self.position += 1;
        // Most strings have no escape: they are copied in one piece (short ones inline, with no
        // allocation), and only escapes take the slow path.
        let mut out: Option<String> = None;
        let mut run_start = self.position;
        loop {
            let rest = &self.bytes[self.position..];
            let special = rest
                .iter()
                .position(|&byte| byte == quote || byte == b'\\' || byte < 0x20);
            let Some(special) = special else {
                self.position = self.bytes.len();
                return Err(self.error("the closing quote"));
            };
            self.position += special;
            let byte = rest[special];
            if byte == quote {
                let run = &self.text[run_start..self.position];
                self.position += 1;
                return Ok(match out {
                    None => CompactString::from(run),
                    Some(mut out) => {
                        out.push_str(run);
                        CompactString::from(out)
                    }
                });
            }
            if byte == b'\\' {
                let out = out.get_or_insert_with(String::new);
                out.push_str(&self.text[run_start..self.position]);
                self.position += 1;
                self.escape(out)?;
                run_start = self.position;
                continue;
            }
            if self.dialect != Dialect::NodeDump {
                return Err(self.error("a string character (control characters must be escaped)"));
            }
            self.position += 1;
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("an escape character"));
        };
        self.position += 1;
        match byte {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'\'' => out.push('\''),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let first = self.hex4()?;
                let c = if (0xd800..0xdc00).contains(&first) {
                    // A high surrogate must be followed by an escaped low one.
                    if self.bytes.get(self.position..self.position + 2) != Some(b"\\u") {
                        return Err(self.error("a low surrogate escape"));
                    }
                    self.position += 2;
                    let second = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&second) {
                        return Err(self.error("a low surrogate escape"));
                    }
                    char::from_u32(0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00))
                } else {
                    char::from_u32(first)
                };
                out.push(c.unwrap_or('\u{fffd}'));
            }
            _ => {
                self.position -= 1;
                return Err(self.error("a valid escape"));
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.position..self.position + 4)
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("four hex digits"))?;
        self.position += 4;
        Ok(u32::from_str_radix(digits, 16).unwrap())
    }
}

/// Where a `//` comment starting at `start` ends. Documentation pasted from the web often lost
/// its line breaks, leaving `{ "a": 1, // note "b": 2 }` on one line: a comment with no line break
/// after it then ends before the next quote or bracket instead of swallowing the document.
pub(crate) fn line_comment_end(bytes: &[u8], start: usize) -> usize {
    let rest = &bytes[start..];
    match rest.iter().position(|&b| b == b'\n') {
        Some(newline) if !is_flattened(&rest[newline..]) => start + newline + 1,
        _ => {
            start
                + 2
                + rest[2..]
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'))
                    .unwrap_or(rest.len() - 2)
        }
    }
}

/// A comment is on a flattened line when nothing but whitespace follows its line.
pub(crate) fn is_flattened(after_newline: &[u8]) -> bool {
    after_newline.iter().all(u8::is_ascii_whitespace)
}

/// protobufjs prints 64-bit integers as `Long { low, high, unsigned }`: value = high·2³² + (low as u32).
fn long_value(object: &LiteralValue) -> Option<LiteralValue> {
    let LiteralValue::Object(members) = object else {
        return None;
    };
    let member = |name: &str| members.iter().find(|member| member.key == name);
    let as_i64 = |name: &str| match &member(name)?.value.value {
        LiteralValue::Number(text) => text.parse::<i64>().ok(),
        _ => None,
    };
    let low = as_i64("low")? as u32 as u64;
    let high = as_i64("high")? as u32 as u64;
    let bits = (high << 32) | low;
    let unsigned = matches!(
        member("unsigned").map(|member| &member.value.value),
        Some(LiteralValue::Bool(true))
    );
    Some(LiteralValue::Number(if unsigned {
        CompactString::from(bits.to_string())
    } else {
        CompactString::from((bits as i64).to_string())
    }))
}

impl Literal {
    /// The member named `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Literal> {
        match &self.value {
            LiteralValue::Object(members) => members
                .iter()
                .find(|member| member.key == key)
                .map(|member| &member.value),
            _ => None,
        }
    }

    /// Follows a path of member names.
    pub fn at(&self, path: &[&str]) -> Option<&Literal> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            LiteralValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// A string, or a number's exact text: ids arrive as either.
    pub fn as_id(&self) -> Option<String> {
        match &self.value {
            LiteralValue::String(text) if !text.is_empty() => Some(text.to_string()),
            LiteralValue::Number(text) => Some(text.to_string()),
            _ => None,
        }
    }

    /// An integer, from a number or a numeric string.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            LiteralValue::Number(text) | LiteralValue::String(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// A finite number (`"NaN"`, `"inf"` and `1e400` are no coordinates or sizes).
    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            LiteralValue::Number(text) | LiteralValue::String(text) => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|value| value.is_finite()),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Literal]> {
        match &self.value {
            LiteralValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, LiteralValue::Object(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_order_exact_numbers_and_spans() {
        let text = r#"{"b": 3876235366388279544, "a": [1.50, "x\u00e9"]}"#;
        let value = parse(text, Dialect::Json).unwrap();
        let LiteralValue::Object(members) = &value.value else {
            panic!()
        };
        assert_eq!(members[0].key, "b");
        assert_eq!(
            members[0].value.value,
            LiteralValue::Number("3876235366388279544".into())
        );
        assert_eq!(&text[members[0].value.span.clone()], "3876235366388279544");
        let items = value.get("a").unwrap().as_array().unwrap();
        assert_eq!(items[0].value, LiteralValue::Number("1.50".into()));
        assert_eq!(items[1].as_str(), Some("xé"));
    }

    #[test]
    fn json_errors_name_the_offset() {
        let error = parse(r#"{"a": 1,}"#, Dialect::Json).unwrap_err();
        assert_eq!(error.offset, 8);
        let error = parse(r#"{"a" 1}"#, Dialect::Json).unwrap_err();
        assert_eq!(error.offset, 5);
        assert_eq!(error.expected, "':' after the member name");
        assert!(parse("{'a': 1}", Dialect::Json).is_err());
    }

    #[test]
    fn node_dump_longs_become_exact_64_bit_integers() {
        let text = "{ sender: Long { low: -1655127034, high: 1636552472, unsigned: true }, \
                    ext: [ l { key: 's:mode', value: '0' }, ], n: Long { low: -1, high: -1, unsigned: false } }";
        let value = parse(text, Dialect::NodeDump).unwrap();
        assert_eq!(
            value.get("sender").unwrap().value,
            LiteralValue::Number("7028939348067795974".into())
        );
        assert_eq!(
            value.get("n").unwrap().value,
            LiteralValue::Number("-1".into())
        );
        let ext = value.get("ext").unwrap().as_array().unwrap();
        assert_eq!(ext[0].get("key").unwrap().as_str(), Some("s:mode"));
    }

    #[test]
    fn jsonc_allows_comments_even_when_line_breaks_were_lost() {
        let text = r#"{ "msgId": "123", // 信息ID "size": 10, // 获取的数 "page": 1 // 页面数}"#;
        let value = parse(text, Dialect::Jsonc).unwrap();
        assert_eq!(value.get("size").unwrap().as_i64(), Some(10));
        assert_eq!(value.get("page").unwrap().as_i64(), Some(1));
        let multiline = "{\n  \"a\": 1, // the \"a\" field\n  /* block */ \"b\": [2,],\n}";
        let value = parse(multiline, Dialect::Jsonc).unwrap();
        assert_eq!(value.get("b").unwrap().as_array().unwrap().len(), 1);
        assert!(parse(text, Dialect::Json).is_err());
    }

    #[test]
    fn surrogate_pairs_decode() {
        let value = parse(r#""\ud83d\ude00""#, Dialect::Json).unwrap();
        assert_eq!(value.as_str(), Some("😀"));
        assert!(parse(r#""\ud83d""#, Dialect::Json).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(10_000);
        let error = parse(&text, Dialect::Json).unwrap_err();
        assert_eq!(error.expected, "nesting within 128 levels");
    }
}
