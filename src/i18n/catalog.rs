//! The catalogs, parsed once per language on first use, and formatting from them.

use std::cell::OnceCell;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

use super::locale::Locale;

const ENGLISH: &str = include_str!("en.ftl");
const CHINESE: &str = include_str!("zh-CN.ftl");

/// A catalog's source text, for the tests that check the catalogs against each other.
pub fn source(locale: Locale) -> &'static str {
    match locale {
        Locale::En => ENGLISH,
        Locale::ZhCn => CHINESE,
    }
}

/// A value for a catalog variable: numbers choose plural forms, text is placed as it is.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Arg {
        Arg::Text(text.clone())
    }
}

macro_rules! number_arg {
    ($($type:ty),*) => {$(
        impl From<$type> for Arg {
            fn from(number: $type) -> Arg {
                Arg::Number(number as f64)
            }
        }
    )*};
}
number_arg!(usize, u16, u32, u64, i32, i64, f64);

fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let language = locale
        .tag()
        .parse()
        .expect("our language tags are well formed");
    let mut bundle = FluentBundle::new(vec![language]);
    // Unicode isolation marks would sit around every variable in the text (and in tests' and
    // screen readers' way); our variables are names and numbers inside one direction.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source(locale).to_owned()).unwrap_or_else(|(resource, _)| resource);
    let _ = bundle.add_resource(resource);
    bundle
}

thread_local! {
    static ENGLISH_BUNDLE: OnceCell<FluentBundle<FluentResource>> = const { OnceCell::new() };
    static CHINESE_BUNDLE: OnceCell<FluentBundle<FluentResource>> = const { OnceCell::new() };
}

/// The text of `id` in `locale`; an id missing from that catalog falls back to English, and one
/// missing from both shows as itself (the catalog test keeps both from happening).
pub fn format(locale: Locale, id: &str, args: &[(&str, Arg)]) -> String {
    let cell = match locale {
        Locale::En => &ENGLISH_BUNDLE,
        Locale::ZhCn => &CHINESE_BUNDLE,
    };
    cell.with(|cell| {
        let bundle = cell.get_or_init(|| bundle(locale));
        match format_in(bundle, id, args) {
            Some(text) => text,
            None if locale != Locale::En => format(Locale::En, id, args),
            None => id.to_owned(),
        }
    })
}

fn format_in(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: &[(&str, Arg)],
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.clone()),
            Arg::Number(number) => FluentValue::from(*number),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    // A variable the code did not pass (a misspelt name) shows as `{$name}`: tests fail on it.
    debug_assert!(errors.is_empty(), "{id}: {errors:?}");
    Some(text.into_owned())
}
