//! The catalogs and the code that reads them, checked in the test command: both catalogs parse,
//! hold the same messages with the same variables, every message the code asks for exists and
//! every message exists for some code, and no component shows words of its own (a literal where
//! the page shows text: between tags, in a label, title, placeholder or alt, or a sentence).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use switchboard_app::i18n::{Locale, catalog_source};

/// Messages whose languages use different variables, and why.
const OWN_VARIABLES: &[(&str, &str)] = &[(
    "time-date",
    "English writes the zero-padded month and day, Chinese the plain numbers",
)];

/// Literals the scan would take for words, and why they are not the app's words.
const NOT_WORDS: &[(&str, &str)] = &[
    ("switchboard agent add", "a command, shown as code"),
    (
        "webhook-secrets/PLATFORM",
        "a path in the data directory, shown as code",
    ),
    (
        "switchboard rotate-secret PLATFORM",
        "a command, shown as code",
    ),
    (
        "{{customer.name}}",
        "a canned reply variable, shown as code",
    ),
    ("{{agent.name}}", "a canned reply variable, shown as code"),
    ("Alt+E", "a key, the same on every keyboard"),
    ("Alt+P", "a key, the same on every keyboard"),
    ("Switchboard", "the product's name"),
    (
        "no window",
        "every browser page has a window: only a harness without one sees this",
    ),
    (
        "Notification",
        "the browser API's name, looked up on `window`",
    ),
    (
        "AltGraph",
        "a modifier key's name (KeyboardEvent.getModifierState)",
    ),
    ("KeyE", "a key's place (KeyboardEvent.code)"),
    ("KeyM", "a key's place (KeyboardEvent.code)"),
    ("KeyP", "a key's place (KeyboardEvent.code)"),
    ("ArrowDown", "a key's name (KeyboardEvent.key)"),
    ("ArrowUp", "a key's name (KeyboardEvent.key)"),
    ("ArrowLeft", "a key's name (KeyboardEvent.key)"),
    ("ArrowRight", "a key's name (KeyboardEvent.key)"),
    ("Home", "a key's name (KeyboardEvent.key)"),
    ("End", "a key's name (KeyboardEvent.key)"),
    ("Enter", "a key's name (KeyboardEvent.key)"),
    ("Escape", "a key's name (KeyboardEvent.key)"),
    ("Tab", "a key's name (KeyboardEvent.key)"),
];

struct Literal {
    line: usize,
    text: String,
    /// The code just before the opening quote and just after the closing one.
    before: String,
    after: String,
}

/// Every plain string literal in `source` outside comments, with its neighbourhood.
fn literals(source: &str) -> Vec<Literal> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = source[at..].find('\n').map_or(bytes.len(), |end| at + end);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = source[at..]
                    .find("*/")
                    .map_or(bytes.len(), |end| at + end + 2);
            }
            // A char literal ('"', '\'') or a lifetime: step over the quote.
            b'\'' => {
                if bytes.get(at + 2) == Some(&b'\'') {
                    at += 3;
                } else if bytes.get(at + 1) == Some(&b'\\') {
                    at = source[at + 2..]
                        .find('\'')
                        .map_or(bytes.len(), |end| at + end + 3);
                } else {
                    at += 1;
                }
            }
            b'"' => {
                let start = at + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let before_start = source[..at]
                    .char_indices()
                    .rev()
                    .nth(40)
                    .map_or(0, |(index, _)| index);
                let after_end = source[end + 1..]
                    .char_indices()
                    .nth(12)
                    .map_or(bytes.len(), |(index, _)| end + 1 + index);
                found.push(Literal {
                    line: source[..at].matches('\n').count() + 1,
                    text: source[start..end].to_owned(),
                    before: source[before_start..at].to_owned(),
                    after: source[end + 1..after_end].to_owned(),
                });
                at = end + 1;
            }
            _ => at += 1,
        }
    }
    found
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// The app's sources, without their unit tests (which assert on the English catalog).
fn app_sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let source = std::fs::read_to_string(&file).unwrap();
            let source = match source.find("#[cfg(test)]") {
                Some(tests) => source[..tests].to_owned(),
                None => source,
            };
            (file, source)
        })
        .collect()
}

/// Message id → the variables its value and variants use.
fn messages(locale: Locale) -> BTreeMap<String, BTreeSet<String>> {
    let source = catalog_source(locale);
    if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
        panic!("{} does not parse: {errors:?}", locale.tag());
    }
    let mut messages = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ')
            && let Some((id, _)) = line.split_once(" = ")
        {
            assert!(
                messages.insert(id.to_owned(), BTreeSet::new()).is_none(),
                "{}: {id} twice",
                locale.tag()
            );
            current = Some(id.to_owned());
        }
        let id = current.clone().expect("a message before its variants");
        for variable in line.split("$").skip(1) {
            let name: String = variable
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            messages.get_mut(&id).unwrap().insert(name);
        }
    }
    messages
}

#[test]
fn every_message_formats_without_errors_in_both_languages() {
    use fluent_bundle::{FluentArgs, FluentBundle, FluentValue};
    for locale in Locale::ALL {
        let resource = FluentResource::try_new(catalog_source(locale).to_owned()).unwrap();
        let mut bundle = FluentBundle::new(vec![locale.tag().parse().unwrap()]);
        bundle.add_resource(resource).expect("no message twice");
        let own = messages(locale);
        for (id, variables) in messages(Locale::En) {
            let mut args = FluentArgs::new();
            for variable in variables.iter().chain(&own[&id]) {
                args.set(variable.clone(), FluentValue::from(2));
            }
            let pattern = bundle.get_message(&id).and_then(|message| message.value());
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern.expect(&id), Some(&args), &mut errors);
            assert!(errors.is_empty(), "{} {id}: {errors:?}", locale.tag());
            assert!(
                !text.trim().is_empty() || id == "list-separator",
                "{} {id} is empty",
                locale.tag()
            );
        }
    }
}

#[test]
fn both_catalogs_hold_the_same_messages_with_the_same_variables() {
    let english = messages(Locale::En);
    let chinese = messages(Locale::ZhCn);
    let english_ids: BTreeSet<_> = english.keys().collect();
    let chinese_ids: BTreeSet<_> = chinese.keys().collect();
    assert_eq!(
        english_ids
            .symmetric_difference(&chinese_ids)
            .collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "messages in one catalog only"
    );
    for (id, variables) in &english {
        if OWN_VARIABLES.iter().any(|(own, _)| own == id) {
            continue;
        }
        // Chinese may leave out a variable English needs only to choose a plural form.
        assert!(
            chinese[id].is_subset(variables),
            "{id}: Chinese uses {:?}, English {variables:?}",
            chinese[id]
        );
    }
}

/// The ids the code asks the catalog for by name.
fn asked_ids() -> BTreeSet<(String, String)> {
    let mut asked = BTreeSet::new();
    for (file, source) in app_sources() {
        for literal in literals(&source) {
            let call = literal.before.trim_end();
            if call.ends_with(".t(") || call.ends_with(".f(") {
                asked.insert((literal.text, format!("{}:{}", file.display(), literal.line)));
            }
        }
    }
    asked
}

#[test]
fn every_message_asked_for_is_in_the_catalog_and_every_message_is_asked_for() {
    let english = messages(Locale::En);
    for (id, place) in asked_ids() {
        assert!(
            english.contains_key(&id),
            "{place} asks for {id}, which no catalog has"
        );
    }
    // Ids may also be named where code chooses one (match arms, the desk crate's sentences).
    let mut named = BTreeSet::new();
    for (_, source) in app_sources() {
        named.extend(literals(&source).into_iter().map(|literal| literal.text));
    }
    let desk = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/desk/src/receiving.rs");
    let desk_source = std::fs::read_to_string(&desk).unwrap();
    for literal in literals(&desk_source) {
        if literal.text.starts_with("receiving-") || literal.text.starts_with("transport-") {
            assert!(
                english.contains_key(&literal.text),
                "{}:{} names {}, which no catalog has",
                desk.display(),
                literal.line,
                literal.text
            );
            named.insert(literal.text);
        }
    }
    for id in english.keys() {
        assert!(
            named.contains(id),
            "{id} is in the catalogs, but nothing shows it"
        );
    }
}

/// Whether a literal is words a person reads, by where it stands and what it holds.
fn looks_like_words(literal: &Literal, catalog: &BTreeMap<String, BTreeSet<String>>) -> bool {
    let text = literal.text.as_str();
    if !text.chars().any(char::is_alphabetic) || catalog.contains_key(text) {
        return false;
    }
    let before = literal.before.trim_end();
    let after = literal.after.trim_start();
    // `class="status sent"`, `rel="noopener noreferrer"`: an attribute the page does not show.
    let attribute = before
        .strip_suffix('=')
        .and_then(|left| left.rsplit(|c: char| c.is_whitespace()).next())
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c == ':')
        });
    let text_attribute = ["aria-label=", "placeholder=", "title=", "alt=", "label="]
        .iter()
        .any(|attribute| before.ends_with(attribute));
    if attribute && !text_attribute {
        return false;
    }
    // Class lists chosen in code: "status-line live".
    let class_list = text.split(' ').all(|token| {
        !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }) && text.contains('-');
    if class_list {
        return false;
    }
    let between_tags =
        (before.ends_with('>') && !before.ends_with("=>") && !before.ends_with("->"))
            || after.starts_with("</");
    // A `format!` string is judged by what it says around its placeholders.
    let said: String = {
        let mut said = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => said.push(c),
                _ => {}
            }
        }
        said
    };
    let text = said.as_str();
    let mut words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|word| word.len() > 1);
    let sentence = text.contains(' ')
        && words.next().is_some()
        && words.next().is_some()
        && !text.starts_with('/');
    let capitalised = text.chars().next().is_some_and(char::is_uppercase)
        && text.chars().nth(1).is_some_and(char::is_lowercase);
    let non_ascii_words = text.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
    between_tags || text_attribute || sentence || capitalised || non_ascii_words
}

#[test]
fn no_component_shows_words_that_are_not_in_the_catalog() {
    let catalog = messages(Locale::En);
    let mut found = Vec::new();
    for (file, source) in app_sources() {
        if file.components().any(|part| part.as_os_str() == "i18n") {
            continue;
        }
        for literal in literals(&source) {
            let call = literal.before.trim_end();
            // Keys, event names and the like are compared, not shown.
            let compared = literal.after.trim_start().starts_with("=>")
                || literal.after.trim_start().starts_with('|')
                || call.ends_with("==")
                || call.ends_with("!=");
            // What goes to the developer console or into a panic is not the page's.
            let for_developers = ["warn!(", "log!(", "error!(", "expect(", "panic!("]
                .iter()
                .any(|call_name| call.ends_with(call_name));
            let asked = call.ends_with(".t(") || call.ends_with(".f(");
            if asked || compared || for_developers || !looks_like_words(&literal, &catalog) {
                continue;
            }
            if NOT_WORDS.iter().any(|(words, _)| *words == literal.text) {
                continue;
            }
            found.push(format!(
                "{}:{}: {:?}",
                file.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&file)
                    .display(),
                literal.line,
                literal.text
            ));
        }
    }
    assert!(
        found.is_empty(),
        "words shown outside the catalogs (src/i18n/*.ftl):\n{}",
        found.join("\n")
    );
}
