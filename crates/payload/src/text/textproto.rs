//! Protobuf text format (`name: value`, `name { ... }`), as `protoc --decode` prints it and as
//! API documentation writes it — including the seed's flattened pages, where line breaks were
//! lost and a `// comment` runs straight into the next field (`// 信息IDchat_id: "123"`).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::literal::{Literal, LiteralValue, Member, SyntaxError};
use crate::protobuf::schema::Schemas;

const MAX_DEPTH: usize = 64;

/// Whether `text` starts like text format: an identifier, then `:` or `{`.
pub fn looks_like(text: &str) -> bool {
    let text = text.trim_start();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    if name_end == 0 || !text.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    matches!(
        text[name_end..].trim_start().chars().next(),
        Some(':' | '{' | '<')
    )
}

/// Parses a text-format message into an object whose members keep their order (a repeated
/// field appears once per value).
pub fn parse(text: &str) -> Result<Literal, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        position: 0,
        depth: 0,
    };
    let members = parser.fields(None)?;
    Ok(Literal {
        span: 0..text.len(),
        value: LiteralValue::Object(members),
    })
}

/// Every field name our schemas know: where a flattened comment may end.
fn known_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = Schemas::builtin().field_names();
        names.extend(
            crate::protobuf::textproto::ALIASES
                .iter()
                .map(|(_, alias, _)| (*alias).to_owned()),
        );
        names
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, expected: &'static str) -> SyntaxError {
        SyntaxError {
            offset: self.position,
            expected,
            found: match self.text[self.position..].chars().next() {
                None => "end of input".into(),
                Some(c) => format!("{c:?}"),
            },
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_space(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.position += 1,
                Some(b'#') => self.position = self.line_end(),
                Some(b'/') if self.bytes.get(self.position + 1) == Some(&b'/') => {
                    self.position = self.comment_end();
                }
                _ => return,
            }
        }
    }

    fn line_end(&self) -> usize {
        self.text[self.position..]
            .find('\n')
            .map_or(self.bytes.len(), |offset| self.position + offset + 1)
    }

    /// A `//` comment ends at the line break; on a flattened line, before the first `}` or the
    /// first known field name followed by `:`, `=` or `{`.
    fn comment_end(&self) -> usize {
        let line_end = self.line_end();
        if !super::literal::is_flattened(&self.bytes[line_end.min(self.bytes.len())..]) {
            return line_end;
        }
        let start = self.position + 2;
        let names = known_names();
        let rest = &self.text[start..];
        for (offset, c) in rest.char_indices() {
            if c == '}' {
                return start + offset;
            }
            if c.is_ascii_alphabetic() || c == '_' {
                let tail = &rest[offset..];
                let name_end = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(tail.len());
                // Try every suffix of the identifier: `IDchat_id:` holds `chat_id`.
                let followed = tail[name_end..].trim_start().starts_with([':', '=', '{']);
                if followed && names.contains(&tail[..name_end]) {
                    return start + offset;
                }
            }
        }
        self.bytes.len()
    }

    /// Fields until `close` (or the end of input at top level).
    fn fields(&mut self, close: Option<u8>) -> Result<Vec<Member>, SyntaxError> {
        let mut members = Vec::new();
        loop {
            self.skip_space();
            match (self.peek(), close) {
                (None, None) => return Ok(members),
                (None, Some(_)) => return Err(self.error("the end of the message")),
                (Some(byte), Some(close)) if byte == close => {
                    self.position += 1;
                    return Ok(members);
                }
                _ => {}
            }
            members.push(self.field()?);
            self.skip_space();
            if matches!(self.peek(), Some(b';' | b',')) {
                self.position += 1;
            }
        }
    }

    fn identifier(&mut self) -> &'a str {
        let text = self.text;
        let start = self.position;
        while let Some(byte) = self.peek() {
            if byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'.' {
                self.position += 1;
            } else {
                break;
            }
        }
        &text[start..self.position]
    }

    fn field(&mut self) -> Result<Member, SyntaxError> {
        let key_start = self.position;
        let key = if self.peek() == Some(b'[') {
            // Extension or Any type URL: [type.googleapis.com/pkg.Message]
            let end = self.text[self.position..]
                .find(']')
                .ok_or_else(|| self.error("']'"))?;
            self.position += end + 1;
            self.text[key_start..self.position].to_owned()
        } else {
            if !self
                .peek()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            {
                return Err(self.error("a field name"));
            }
            self.identifier().to_owned()
        };
        let key_span = key_start..self.position;
        self.skip_space();
        let separated = matches!(self.peek(), Some(b':' | b'='));
        if separated {
            self.position += 1;
            self.skip_space();
        }
        let value = match self.peek() {
            Some(b'{' | b'<') => self.message()?,
            Some(b'[') if separated => self.list()?,
            _ if separated => self.scalar()?,
            _ => return Err(self.error("':' or '{' after the field name")),
        };
        Ok(Member {
            key: key.into(),
            key_span,
            value,
        })
    }

    fn message(&mut self) -> Result<Literal, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nesting within 64 levels"));
        }
        let start = self.position;
        let close = if self.peek() == Some(b'<') {
            b'>'
        } else {
            b'}'
        };
        self.position += 1;
        self.depth += 1;
        let members = self.fields(Some(close))?;
        self.depth -= 1;
        Ok(Literal {
            span: start..self.position,
            value: LiteralValue::Object(members),
        })
    }

    fn list(&mut self) -> Result<Literal, SyntaxError> {
        let start = self.position;
        self.position += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.peek() == Some(b']') {
                self.position += 1;
                return Ok(Literal {
                    span: start..self.position,
                    value: LiteralValue::Array(items),
                });
            }
            items.push(match self.peek() {
                Some(b'{' | b'<') => self.message()?,
                _ => self.scalar()?,
            });
            self.skip_space();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b']') => {}
                _ => return Err(self.error("',' or ']'")),
            }
        }
    }

    fn scalar(&mut self) -> Result<Literal, SyntaxError> {
        let start = self.position;
        let value = match self.peek() {
            Some(quote @ (b'"' | b'\'')) => {
                // Adjacent strings concatenate.
                let mut text = self.string(quote)?;
                loop {
                    let save = self.position;
                    self.skip_space();
                    match self.peek() {
                        Some(next @ (b'"' | b'\'')) => text.push_str(&self.string(next)?),
                        _ => {
                            self.position = save;
                            break;
                        }
                    }
                }
                LiteralValue::String(text.into())
            }
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => LiteralValue::Number(self.number()?.into()),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => match self.identifier() {
                "true" | "True" | "t" => LiteralValue::Bool(true),
                "false" | "False" | "f" => LiteralValue::Bool(false),
                // Enum names and, in documentation, unquoted strings.
                other => LiteralValue::String(other.into()),
            },
            _ => return Err(self.error("a value")),
        };
        Ok(Literal {
            span: start..self.position,
            value,
        })
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.position;
        if matches!(self.peek(), Some(b'-' | b'+')) {
            self.position += 1;
        }
        if self.text[self.position..].starts_with("0x")
            || self.text[self.position..].starts_with("0X")
        {
            self.position += 2;
            let digits_start = self.position;
            while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                self.position += 1;
            }
            let digits = &self.text[digits_start..self.position];
            let value = u64::from_str_radix(digits, 16).map_err(|_| self.error("hex digits"))?;
            let negative = self.text[start..].starts_with('-');
            return Ok(if negative {
                format!("-{value}")
            } else {
                value.to_string()
            });
        }
        let digits_start = self.position;
        while self.peek().is_some_and(|b| b.is_ascii_digit() || b == b'.') {
            self.position += 1;
        }
        // An exponent only when digits follow it: `1e5`, not the `e` of a following name.
        if matches!(self.peek(), Some(b'e' | b'E'))
            && self
                .bytes
                .get(self.position + 1)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'-' || *b == b'+')
        {
            self.position += 2;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.position += 1;
            }
        }
        if self.position == digits_start {
            return Err(self.error("a digit"));
        }
        // A float suffix (`1.5f`) — but `1temp_code` is a number followed by a field.
        if matches!(self.peek(), Some(b'f' | b'F'))
            && !self
                .bytes
                .get(self.position + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.position += 1;
            return Ok(self.text[start..self.position - 1].to_owned());
        }
        Ok(self.text[start..self.position].to_owned())
    }

    fn string(&mut self, quote: u8) -> Result<String, SyntaxError> {
        self.position += 1;
        let mut bytes = Vec::new();
        loop {
            let Some(byte) = self.peek() else {
                return Err(self.error("the closing quote"));
            };
            self.position += 1;
            match byte {
                b'\\' => {
                    let Some(escaped) = self.peek() else {
                        return Err(self.error("an escape character"));
                    };
                    self.position += 1;
                    match escaped {
                        b'n' => bytes.push(b'\n'),
                        b'r' => bytes.push(b'\r'),
                        b't' => bytes.push(b'\t'),
                        b'0'..=b'7' => {
                            // Octal escape: up to three digits (how protoc prints bytes).
                            let mut value = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(digit @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(digit - b'0');
                                        self.position += 1;
                                    }
                                    _ => break,
                                }
                            }
                            bytes.push(value as u8);
                        }
                        b'x' => {
                            let digits_start = self.position;
                            while self.position < digits_start + 2
                                && self.peek().is_some_and(|b| b.is_ascii_hexdigit())
                            {
                                self.position += 1;
                            }
                            let digits = &self.text[digits_start..self.position];
                            bytes.push(
                                u8::from_str_radix(digits, 16)
                                    .map_err(|_| self.error("hex digits after \\x"))?,
                            );
                        }
                        other => bytes.push(other),
                    }
                }
                _ if byte == quote => return Ok(String::from_utf8_lossy(&bytes).into_owned()),
                _ => bytes.push(byte),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_messages_repeated_fields_and_escapes() {
        let value = parse("status { code: 1 msg: \"ok\" }\nmsg { msg_id: \"a\" }\nmsg { msg_id: 'b' }\nraw: \"\\001\\x02\"").unwrap();
        assert_eq!(value.at(&["status", "code"]).unwrap().as_i64(), Some(1));
        let LiteralValue::Object(members) = &value.value else {
            panic!()
        };
        assert_eq!(members.iter().filter(|m| m.key == "msg").count(), 2);
        assert_eq!(value.get("raw").unwrap().as_str(), Some("\u{1}\u{2}"));
    }

    #[test]
    fn flattened_documentation_comments_end_at_the_next_field() {
        let text = r#"msg_id: "123456" // 要编辑的消息IDchat_id: "big" // 消息所属聊天对象的IDchat_type: 2 content { text: "123" // 文本 // 剩下的建议看proto文件}content_type: 1temp_code: 0"#;
        let value = parse(text).unwrap();
        assert_eq!(value.get("chat_id").unwrap().as_str(), Some("big"));
        assert_eq!(value.get("chat_type").unwrap().as_i64(), Some(2));
        assert_eq!(
            value.at(&["content", "text"]).unwrap().as_str(),
            Some("123")
        );
        assert_eq!(value.get("content_type").unwrap().as_i64(), Some(1));
        assert_eq!(value.get("temp_code").unwrap().as_i64(), Some(0));
    }

    #[test]
    fn equals_and_semicolons_are_accepted() {
        let value = parse("cmd { cmd_id = 123; name: \"x\" type: 1 }").unwrap();
        assert_eq!(value.at(&["cmd", "cmd_id"]).unwrap().as_i64(), Some(123));
    }

    #[test]
    fn errors_name_the_offset() {
        let error = parse("a { b: 1").unwrap_err();
        assert_eq!(error.offset, 8);
        assert!(!looks_like("hello world"));
        assert!(looks_like("status {"));
    }
}
