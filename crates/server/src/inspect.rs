//! `switchboard inspect`: the terminal view of a payload.

use std::io::{Read, Write};

use anyhow::Context;

use crate::cli::InspectArgs;

pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let bytes = read_input(&args.file)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(switchboard_payload::hexdump::hexdump(&bytes).as_bytes())?;
    Ok(())
}

/// Reads the whole payload from a file, or from standard input when the path is `-`.
pub fn read_input(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        Ok(bytes)
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    }
}
