//! What one bubble may put on the page. A customer decides a message's size and shape: a
//! 100 000-deep quote once overflowed the wasm stack while its views were built and mounted,
//! and a trap leaves the whole app dead. So every bubble shows a bounded part of its message —
//! by characters, by Markdown nesting and element count, by HTML frame size — and says when it
//! holds back; the whole message is always one "inspect" away.

use std::borrow::Cow;

/// Characters of text a bubble shows.
pub const SHOWN_CHARS: usize = 20_000;
/// Bytes of Markdown parsed for a bubble (on a character boundary).
pub const MARKDOWN_BYTES: usize = 64 * 1024;
/// Nesting of Markdown blocks and spans kept as elements; deeper ones show as their text.
pub const MARKDOWN_DEPTH: usize = 12;
/// Markdown elements built for one bubble; past it the rest shows as text.
pub const MARKDOWN_ELEMENTS: usize = 2_000;
/// Bytes of an HTML message put in its sandboxed frame.
pub const HTML_BYTES: usize = 256 * 1024;
/// Combining marks kept on one base character (Zalgo text stacks a million).
pub const COMBINING_RUN: usize = 8;

/// `text` cut to at most `max_bytes` on a character boundary, and whether it was cut.
pub fn prefix_bytes(text: &str, max_bytes: usize) -> (&str, bool) {
    if text.len() <= max_bytes {
        return (text, false);
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// Marks that draw on the character before them.
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// `text` with runs of combining marks cut to [`COMBINING_RUN`], and whether any was.
pub fn cap_combining(text: &str) -> (Cow<'_, str>, bool) {
    let mut run = 0;
    let too_long = text.chars().any(|c| {
        run = if is_combining(c) { run + 1 } else { 0 };
        run > COMBINING_RUN
    });
    if !too_long {
        return (Cow::Borrowed(text), false);
    }
    let mut run = 0;
    let capped = text
        .chars()
        .filter(|c| {
            run = if is_combining(*c) { run + 1 } else { 0 };
            run <= COMBINING_RUN
        })
        .collect();
    (Cow::Owned(capped), true)
}

/// What a bubble shows of `text`: at most [`SHOWN_CHARS`] characters, runs of combining marks
/// cut to [`COMBINING_RUN`]; and whether anything was held back.
pub fn shown_text(text: &str) -> (Cow<'_, str>, bool) {
    let (head, cut) = prefix_bytes(text, SHOWN_CHARS * 4);
    let mut shown = String::new();
    let mut run = 0;
    let mut chars = 0;
    let mut held_back = cut;
    for c in head.chars() {
        if chars == SHOWN_CHARS {
            held_back = true;
            break;
        }
        if is_combining(c) {
            run += 1;
            if run > COMBINING_RUN {
                held_back = true;
                continue;
            }
        } else {
            run = 0;
        }
        shown.push(c);
        chars += 1;
    }
    if !held_back && shown.len() == text.len() {
        return (Cow::Borrowed(text), false);
    }
    (Cow::Owned(shown), held_back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_the_shown_length() {
        let long = "字".repeat(SHOWN_CHARS * 3);
        let (shown, held_back) = shown_text(&long);
        assert_eq!(shown.chars().count(), SHOWN_CHARS);
        assert!(held_back);
        let (short, held_back) = shown_text("你好");
        assert!(matches!(short, Cow::Borrowed("你好")) && !held_back);
    }

    #[test]
    fn stacked_combining_marks_are_cut_per_character() {
        let zalgo = format!("a{}b", "\u{0301}".repeat(1_000_000));
        let (shown, held_back) = shown_text(&zalgo);
        assert!(held_back);
        assert_eq!(
            shown.chars().filter(|c| is_combining(*c)).count(),
            COMBINING_RUN
        );
        assert!(shown.starts_with('a'));
        let accents = "café résumé";
        assert_eq!(shown_text(accents).0, accents, "ordinary accents stay");
    }

    #[test]
    fn html_keeps_its_length_but_not_stacked_marks() {
        let (capped, cut) = cap_combining("<p>e\u{301}\u{301}</p>");
        assert!(!cut && capped == "<p>e\u{301}\u{301}</p>");
        let zalgo = format!("<b>Z{}</b>", "\u{0301}".repeat(100));
        let (capped, cut) = cap_combining(&zalgo);
        assert!(cut);
        assert_eq!(
            capped,
            format!("<b>Z{}</b>", "\u{0301}".repeat(COMBINING_RUN))
        );
    }

    #[test]
    fn prefixes_end_on_a_character_boundary() {
        let (head, cut) = prefix_bytes("价格表", 4);
        assert_eq!((head, cut), ("价", true));
        assert_eq!(prefix_bytes("abc", 4), ("abc", false));
    }
}
