//! Classic 16-bytes-per-row hex dump, the terminal inspector's view of raw bytes.

use std::fmt::Write;

/// Bytes shown on one row.
pub const ROW_WIDTH: usize = 16;

/// Formats `bytes` as rows of `offset  hex bytes  |ascii|`, offsets in hex, printable ASCII shown
/// as itself and everything else as `.`. An empty input gives an empty string.
pub fn hexdump(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(ROW_WIDTH) * 78);
    for (row, chunk) in bytes.chunks(ROW_WIDTH).enumerate() {
        let _ = write!(out, "{:08x}  ", row * ROW_WIDTH);
        for column in 0..ROW_WIDTH {
            match chunk.get(column) {
                Some(byte) => {
                    let _ = write!(out, "{byte:02x} ");
                }
                None => out.push_str("   "),
            }
            // A wider gap after the eighth byte keeps long rows readable.
            if column == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        out.push('|');
        out.extend(chunk.iter().map(|&byte| printable(byte)));
        out.push('|');
        out.push('\n');
    }
    out
}

fn printable(byte: u8) -> char {
    if byte.is_ascii_graphic() || byte == b' ' {
        byte as char
    } else {
        '.'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(hexdump(&[]), "");
    }

    #[test]
    fn full_and_partial_rows_align() {
        let bytes: Vec<u8> = (0x41..0x41 + 18).collect();
        let dump = hexdump(&bytes);
        let lines: Vec<&str> = dump.lines().collect();
        assert_eq!(
            lines[0],
            "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|"
        );
        assert!(lines[1].starts_with("00000010  51 52 "), "{}", lines[1]);
        assert!(lines[1].ends_with("|QR|"), "{}", lines[1]);
        assert_eq!(
            lines[0].find('|'),
            lines[1].find('|'),
            "the ASCII column lines up on a short last row"
        );
    }

    #[test]
    fn non_printable_bytes_show_as_dots() {
        let dump = hexdump(&[0x00, 0x0a, 0x7f, 0xff, b'~']);
        assert!(dump.ends_with("|....~|\n"), "{dump}");
    }
}
