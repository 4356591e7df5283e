//! Properties over generated inputs: nothing panics on arbitrary bytes, and what our schemas
//! encode decodes back exactly (64-bit values included).

use proptest::prelude::*;
use prost::Message;
use switchboard_payload::protobuf::raw;
use switchboard_payload::protobuf::{douyin_im, yunhu};
use switchboard_payload::text::literal::{self, Dialect, LiteralValue};
use switchboard_payload::unwrap::Format;
use switchboard_payload::{Options, inspect};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The decode picks a length-delimited value's reading without ranking the others; it must
    /// pick what the full ranking (the inspector's list of alternatives) puts first.
    #[test]
    fn the_decoded_reading_is_the_best_ranked(value in prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        "[ -~]{0,40}".prop_map(String::into_bytes),
        proptest::collection::vec(0u8..0x90, 0..64),
    ]) {
        let mut bytes = vec![0x0a];
        bytes.push(value.len() as u8);
        bytes.extend_from_slice(&value);
        let message = raw::decode(&bytes);
        let chosen = message.field(1).and_then(|field| field.reading());
        let ranked = raw::readings(&value, raw::DEFAULT_MAX_DEPTH);
        prop_assert_eq!(chosen, ranked.first().copied());
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_point_inside(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let message = raw::decode(&bytes);
        if let Some(error) = &message.error {
            prop_assert!(error.offset <= bytes.len());
        }
        for format in std::iter::once(None).chain(Format::ALL.into_iter().map(Some)) {
            let inspection = inspect(&bytes, &Options { format, ..Options::default() });
            if let Some(error) = &inspection.error {
                prop_assert!(error.offset <= bytes.len().max(inspection.bytes.len()), "{error}");
            }
            let _ = serde_json::to_string(&inspection).unwrap();
        }
    }

    /// The byte scan behind ranking agrees with the definition: no Unicode control characters
    /// but tab, newline and carriage return.
    #[test]
    fn printable_means_no_control_characters(text in "(\\PC|\\p{Cc}){0,80}") {
        let expected = text.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'));
        prop_assert_eq!(raw::is_printable(&text), expected);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = inspect(text.as_bytes(), &Options::default());
        let _ = literal::parse(&text, Dialect::NodeDump);
        let _ = switchboard_payload::text::textproto::parse(&text);
    }

    #[test]
    fn protobufjs_longs_are_exact(value in any::<u64>()) {
        let low = value as u32 as i32;
        let high = (value >> 32) as u32 as i32;
        let dump = format!("{{ id: Long {{ low: {low}, high: {high}, unsigned: true }} }}");
        let parsed = literal::parse(&dump, Dialect::NodeDump).unwrap();
        prop_assert_eq!(&parsed.get("id").unwrap().value, &LiteralValue::Number(value.to_string().into()));
    }

    #[test]
    fn yunhu_send_requests_round_trip(
        msg_id in "[0-9a-f]{32}",
        chat_id in "[0-9]{1,12}",
        chat_type in 1u64..=3,
        text in "\\PC{1,80}",
        quote in proptest::option::of("[0-9a-f]{8}"),
    ) {
        let request = yunhu::SendMessageRequest {
            msg_id: msg_id.clone(),
            chat_id: chat_id.clone(),
            chat_type,
            content: Some(yunhu::MsgContent { text: text.clone(), ..Default::default() }),
            content_type: 1,
            quote_msg_id: quote.clone().unwrap_or_default(),
            ..Default::default()
        };
        let bytes = request.encode_to_vec();
        let inspection = inspect(&bytes, &Options { schema: Some("yunhu.SendMessageRequest".into()), ..Options::default() });
        prop_assert_eq!(inspection.error, None);
        let event = &inspection.events[0];
        prop_assert_eq!(event.message_id.as_deref(), Some(msg_id.as_str()));
        prop_assert_eq!(event.conversation_id.as_deref(), Some(chat_id.as_str()));
        prop_assert_eq!(event.content.as_ref().unwrap().text.as_deref(), Some(text.as_str()));
        prop_assert_eq!(event.quote_message_id.as_deref(), quote.as_deref());
        // And the schema-less tree agrees with prost, field by field.
        let decoded = yunhu::SendMessageRequest::decode(bytes.as_slice()).unwrap();
        prop_assert_eq!(decoded, request);
    }

    #[test]
    fn douyin_message_bodies_keep_64_bit_ids(
        server_message_id in any::<u64>(),
        short_id in 1u64..,
        sender in 1u64..,
        create_time in 1u64..4_000_000_000_000,
        text in "\\PC{1,40}",
    ) {
        let body = douyin_im::MessageBody {
            conversation_id: format!("0:1:{sender}:1"),
            conversation_type: 1,
            server_message_id,
            conversation_short_id: short_id,
            message_type: 7,
            sender,
            content: serde_json::json!({"aweType": 700, "text": text}).to_string(),
            create_time,
            ..Default::default()
        };
        let bytes = body.encode_to_vec();
        let inspection = inspect(&bytes, &Options { schema: Some("douyin_im.MessageBody".into()), ..Options::default() });
        let event = &inspection.events[0];
        prop_assert_eq!(event.conversation_id.clone(), Some(short_id.to_string()));
        prop_assert_eq!(event.sender_id.clone(), Some(sender.to_string()));
        prop_assert_eq!(event.at_ms, Some(create_time as i64));
        prop_assert_eq!(event.content.as_ref().unwrap().text.as_deref(), Some(text.as_str()));
        let tree = serde_json::to_value(&inspection.tree).unwrap();
        let sender_node = tree["children"].as_array().unwrap().iter().find(|n| n["label"] == "sender").unwrap();
        let sender_text = sender.to_string();
        prop_assert_eq!(sender_node["value"].as_str(), Some(sender_text.as_str()));
    }
}
