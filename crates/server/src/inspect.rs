//! `switchboard inspect`: the terminal view of a payload, from the same core the browser uses.

use std::fmt::Write as _;
use std::io::{Read, Write};

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use switchboard_payload::protobuf::schema::Schemas;
use switchboard_payload::tree::{Node, NodeKind};
use switchboard_payload::{Inspection, Options, inspect};
use switchboard_proto_import::ProtoFile;

use crate::cli::InspectArgs;

pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let bytes = read_input(&args.file)?;
    let schemas = schemas(&args.protos)?;
    if let Some(schema) = &args.schema
        && schemas
            .as_deref()
            .unwrap_or_else(|| Schemas::builtin())
            .message(schema)
            .is_none()
    {
        bail!("unknown schema {schema:?}");
    }
    let options = Options {
        format: args.format,
        platform: args.platform,
        schema: args.schema.clone(),
        schemas,
        ..Options::default()
    };
    let inspection = inspect(&bytes, &options);
    if let Some(before) = &args.diff {
        let before = inspect(&read_input(before)?, &options);
        return print_diff(&before, &inspection, args.json);
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &inspection)?;
        stdout.write_all(b"\n")?;
    } else {
        stdout.write_all(render(&inspection).as_bytes())?;
        if args.hex {
            stdout.write_all(b"\nbytes:\n")?;
            stdout
                .write_all(switchboard_payload::hexdump::hexdump(&inspection.bytes).as_bytes())?;
        }
    }
    stdout.flush()?;
    match &inspection.error {
        // Everything decoded before the fault was printed; the fault makes the run fail.
        Some(error) => bail!("{error}"),
        None => Ok(()),
    }
}

/// Ours, and those of the user's `--proto` files (compiled as the browser compiles them).
fn schemas(protos: &[PathBuf]) -> anyhow::Result<Option<Arc<Schemas>>> {
    if protos.is_empty() {
        return Ok(None);
    }
    let files = protos
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .with_context(|| format!("{} has no file name", path.display()))?;
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok(ProtoFile {
                name: name.to_owned(),
                text,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let imported = switchboard_proto_import::compile(&files)?;
    Ok(Some(Arc::new(Schemas::with_imported(&imported))))
}

/// `--diff`: the changes from one payload to the other, and what each decoded as.
fn print_diff(before: &Inspection, after: &Inspection, json: bool) -> anyhow::Result<()> {
    let changes = switchboard_payload::diff::diff(&before.tree, &after.tree);
    let mut stdout = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut stdout, &serde_json::json!({ "changes": changes }))?;
        stdout.write_all(b"\n")?;
    } else {
        let mut out = String::new();
        for (name, inspection) in [("before", before), ("after", after)] {
            let chain: Vec<&str> = inspection.chain.iter().map(|f| f.name()).collect();
            let schema = inspection
                .schema
                .as_ref()
                .map_or("unknown schema", |matched| matched.name.as_str());
            let _ = writeln!(
                out,
                "{name:<7} {} · {}",
                chain.join(" → "),
                printable(schema)
            );
        }
        let _ = writeln!(out, "\nchanges: {}", changes.len());
        for change in &changes {
            let (mark, what) = match change.kind {
                switchboard_payload::diff::ChangeKind::Added => ("+", change.after.clone()),
                switchboard_payload::diff::ChangeKind::Removed => ("-", change.before.clone()),
                switchboard_payload::diff::ChangeKind::Changed => (
                    "~",
                    Some(format!(
                        "{} → {}",
                        change.before.as_deref().unwrap_or(""),
                        change.after.as_deref().unwrap_or("")
                    )),
                ),
            };
            let _ = writeln!(
                out,
                "  {mark} {}: {}",
                printable(&change.at),
                printable(what.as_deref().unwrap_or(""))
            );
        }
        stdout.write_all(out.as_bytes())?;
    }
    stdout.flush()?;
    // Each side decoded up to its fault; a fault makes the run fail, as a single inspection does.
    match before.error.as_ref().or(after.error.as_ref()) {
        Some(error) => bail!("{error}"),
        None => Ok(()),
    }
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

/// The readable report: chain, platform and schema, the tree, then the events.
pub fn render(inspection: &Inspection) -> String {
    let mut out = String::new();
    let chain: Vec<&str> = inspection
        .chain
        .iter()
        .map(|format| format.name())
        .collect();
    let _ = writeln!(out, "chain:    {}", chain.join(" → "));
    let _ = writeln!(
        out,
        "platform: {}",
        inspection
            .platform
            .map_or("unknown", |platform| platform.name())
    );
    let _ = match &inspection.schema {
        Some(schema) => writeln!(
            out,
            "schema:   {} (confidence {:.2})",
            schema.name, schema.confidence
        ),
        None => writeln!(out, "schema:   unknown schema"),
    };
    out.push_str("\ntree:\n");
    render_node(&mut out, &inspection.tree, 1);
    if let Some(note) = inspection.expansion_note() {
        let _ = writeln!(out, "  ({note})");
    }
    out.push_str("\nevents:\n");
    if inspection.events.is_empty() {
        out.push_str("  (none)\n");
    }
    for event in &inspection.events {
        let _ = writeln!(
            out,
            "  {}",
            printable(&serde_json::to_string(event).unwrap_or_default())
        );
    }
    out
}

/// `text` with everything a terminal would act on shown as `\u{…}` instead: control
/// characters (C0, DEL, C1 — escape sequences could retitle the window, rewrite the screen or
/// paste into the shell) and the bidirectional overrides that reorder what is shown.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            let _ = write!(shown, "\\u{{{:x}}}", c as u32);
        } else {
            shown.push(c);
        }
    }
    std::borrow::Cow::Owned(shown)
}

fn render_node(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    let label = match (node.field_number, node.label.as_str()) {
        (Some(number), label) if label != number.to_string() => format!("{label} ({number})"),
        (_, "") => "(root)".to_owned(),
        (_, label) => label.to_owned(),
    };
    // Keys and type names come from the payload: a stranger's bytes.
    let label = printable(&label);
    let mut line = format!("{indent}{label}");
    if let Some(wire_type) = node.wire_type {
        let _ = write!(line, " [{}]", wire_type.name());
    }
    let kind = match node.kind {
        NodeKind::Object
        | NodeKind::Array
        | NodeKind::Message
        | NodeKind::Group
        | NodeKind::Element => None,
        other => Some(format!("{other:?}").to_lowercase()),
    };
    if let Some(type_name) = &node.type_name {
        let _ = write!(line, " {}", printable(type_name));
    } else if let Some(kind) = kind {
        let _ = write!(line, " {kind}");
    }
    if let Some(value) = &node.value {
        let shown: String = value.chars().take(200).collect();
        let ellipsis = if value.chars().count() > 200 {
            "…"
        } else {
            ""
        };
        let _ = write!(line, " = {shown:?}{ellipsis}");
    }
    for interpretation in &node.interpretations {
        let _ = write!(
            line,
            " {}={}",
            interpretation.name,
            printable(&interpretation.value)
        );
    }
    if node.readings.len() > 1 {
        let _ = write!(
            line,
            " (as {}; also {})",
            node.readings[node.reading.unwrap_or(0)],
            node.readings
                .iter()
                .enumerate()
                .filter(|(index, _)| Some(*index) != node.reading)
                .map(|(_, name)| *name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some([start, end]) = node.range {
        let _ = write!(line, " @{start}..{end}");
    }
    out.push_str(&line);
    out.push('\n');
    if let Some(nested) = &node.nested {
        let chain: Vec<&str> = nested.chain.iter().map(|format| format.name()).collect();
        let schema = nested
            .schema
            .as_deref()
            .map(|s| format!(" as {s}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{indent}  ↳ nested {}{schema}:", chain.join(" → "));
        render_node(out, &nested.tree, depth + 2);
    }
    for child in &node.children {
        render_node(out, child, depth + 1);
    }
}
