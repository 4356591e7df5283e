//! Yunhu's message content types (the user API's `content_type`), in one table that decoding,
//! encoding and the sandbox's emulator all read (reference §1.1; 13 is a call, 14 an a2ui card).

use crate::event::ContentKind;

pub const TEXT: u64 = 1;
pub const IMAGE: u64 = 2;
pub const MARKDOWN: u64 = 3;
pub const FILE: u64 = 4;
pub const FORM: u64 = 5;
pub const POST: u64 = 6;
pub const STICKER: u64 = 7;
pub const HTML: u64 = 8;
pub const VIDEO: u64 = 10;
pub const AUDIO: u64 = 11;
pub const CALL: u64 = 13;

const KINDS: [(u64, ContentKind); 11] = [
    (TEXT, ContentKind::Text),
    (IMAGE, ContentKind::Image),
    (MARKDOWN, ContentKind::Markdown),
    (FILE, ContentKind::File),
    (FORM, ContentKind::Form),
    (POST, ContentKind::Post),
    (STICKER, ContentKind::Sticker),
    (HTML, ContentKind::Html),
    (VIDEO, ContentKind::Video),
    (AUDIO, ContentKind::Audio),
    (CALL, ContentKind::System),
];

/// What a content type holds; a number not in the table is unknown.
pub fn kind(content_type: u64) -> ContentKind {
    KINDS
        .iter()
        .find(|(number, _)| *number == content_type)
        .map_or(ContentKind::Unknown, |(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_number_reads_as_its_kind_and_others_are_unknown() {
        for (number, kind) in super::KINDS {
            assert_eq!(super::kind(number), kind);
        }
        assert_eq!(super::kind(14), crate::event::ContentKind::Unknown);
    }
}
