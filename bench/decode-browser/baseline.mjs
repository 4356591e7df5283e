// What a web team would write instead of our payload core: protobuf.js (decode + toObject) and
// JSON.parse, then picking the fields of our events by hand; and a plain schema-less protobuf
// walker. The browser bench (bench.mjs) times it against the core; check-baseline.mjs proves it
// yields the core's events. Runs in Node and in the browser: the caller hands in protobuf.js and
// the .proto texts, so nothing here imports anything.
//
// Where it knowingly differs from the core:
// - WeChat XML (image attributes, live-stream notices, recalls) is read with regular expressions;
//   the core parses the XML (entities unescaped, malformed XML rejected).
// - protobuf.js decodes leniently where prost refuses (invalid UTF-8 in a string, a wrong wire
//   type): such a payload gets events here and none from the core.
// - 64-bit ids are exact only where the engine can: JSON numbers need JSON.parse's source text
//   (`exactJson`; Chromium has it, Node 20 behind --harmony-json-parse-with-source), protobuf.js
//   uint64 needs Long.js loaded (`exactLongs`; Node's protobufjs requires it, a page must load
//   long's umd/index.js itself, or Douyin's ids come out rounded).
// The first two do not show on our fixtures; check-baseline.mjs demands both flags.

const MAX_DEPTH = 64; // the core's DEFAULT_MAX_DEPTH for the schema-less walk
const LIVE_NOTICES = 'finder-live-notices';
const TO_OBJECT = { longs: String, bytes: String, defaults: false };

/**
 * @param protobuf the protobuf.js module (full build: it parses .proto text)
 * @param protoSources `{ "yunhu.proto": text, "douyin_im.proto": text }`
 */
export function makeBaseline(protobuf, protoSources) {
  // A page that loaded Long.js after protobuf.js: let protobuf.js use it for 64-bit integers.
  if (!protobuf.util.Long && globalThis.Long) {
    protobuf.util.Long = globalThis.Long;
    protobuf.configure();
  }
  const root = new protobuf.Root();
  // yunhu.proto imports google/protobuf/any.proto, which protobuf.js ships.
  root.addJSON(protobuf.common.get('google/protobuf/any.proto').nested);
  for (const source of Object.values(protoSources)) protobuf.parse(source, root);
  root.resolveAll();
  const type = (name) => root.lookupType(name);
  const T = {
    WsWrapper: type('yunhu.WsWrapper'),
    PushMessage: type('yunhu.PushMessage'),
    StreamMessage: type('yunhu.StreamMessage'),
    ListMessageResponse: type('yunhu.ListMessageResponse'),
    SendMessageRequest: type('yunhu.SendMessageRequest'),
    RecallMsgRequest: type('yunhu.RecallMsgRequest'),
    MessageBody: type('douyin_im.MessageBody'),
    NewMessageNotify: type('douyin_im.NewMessageNotify'),
    Response: type('douyin_im.Response'),
  };
  const decodeObject = (Type, bytes) => Type.toObject(Type.decode(bytes), TO_OBJECT);

  const utf8 = new TextDecoder();
  const exactJson = jsonHasSource();

  /** JSON.parse keeping integers above 2^53 as their exact text (WeChat's NewMsgId...). */
  const parseExact = exactJson
    ? (text) => JSON.parse(text, (key, value, context) =>
      typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) ? context.source : value)
    : (text) => JSON.parse(text);

  /** JSON nested in a string field, as the core's `nested_json`. */
  const nestedJson = (text, parse = JSON.parse) => {
    const trimmed = text.trimStart();
    if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return null;
    try {
      return parse(text);
    } catch {
      return null;
    }
  };

  // ---- Yunhu (protobuf) -------------------------------------------------------------------

  const YUNHU_CHAT = { 1: 'direct', 2: 'group', 3: 'bot' };
  const yunhuKind = (chatType) => YUNHU_CHAT[chatType] ?? null;
  const YUNHU_CONTENT = { 1: 'text', 2: 'image', 3: 'markdown', 4: 'file', 5: 'form', 6: 'post', 7: 'sticker', 8: 'html', 10: 'video', 11: 'audio', 13: 'system' };

  function yunhuContent(contentType, c) {
    const kind = YUNHU_CONTENT[contentType ?? 0] ?? 'unknown';
    const out = content(kind, nonEmpty(c.text) ?? nonEmpty(c.postContent) ?? nonEmpty(c.callStatusText) ?? nonEmpty(c.tip));
    out.buttons = nonEmpty(c.buttons);
    out.title = nonEmpty(c.postTitle);
    switch (kind) {
      case 'image':
      case 'sticker':
        out.url = nonEmpty(c.imageUrl) ?? nonEmpty(c.image);
        out.key = nonEmpty(c.image);
        break;
      case 'file':
        out.url = nonEmpty(c.fileUrl);
        out.name = nonEmpty(c.fileName);
        break;
      case 'video':
        out.url = nonEmpty(c.videoUrl);
        out.duration_ms = times(positive(c.videoTime), 1000);
        break;
      case 'audio':
        out.url = nonEmpty(c.audioUrl);
        out.duration_ms = times(positive(c.audioTime), 1000);
        break;
      case 'form':
        out.buttons = nonEmpty(c.form);
        break;
    }
    out.size = positive(c.fileSize);
    out.width = positive(c.width);
    out.height = positive(c.height);
    return out;
  }

  function yunhuSender(event, sender) {
    if (!sender) return;
    event.sender_id = nonEmpty(sender.chatId);
    event.sender_name = nonEmpty(sender.name);
    event.sender_avatar = nonEmpty(sender.avatarUrl);
  }

  function yunhuRecallOf(message, at) {
    const recall = newEvent('recall', 'yunhu');
    recall.conversation_id = message.conversation_id;
    recall.conversation_kind = message.conversation_kind;
    recall.target_message_id = message.message_id;
    recall.at_ms = Number(at);
    return recall;
  }

  function yunhuPush(push, edited) {
    const event = newEvent(edited ? 'edit' : 'message', 'yunhu');
    event.conversation_id = nonEmpty(push.chatId);
    event.conversation_kind = yunhuKind(push.chatType);
    if (edited) {
      event.target_message_id = nonEmpty(push.msgId);
      event.at_ms = positive(push.editTime);
    } else {
      event.message_id = nonEmpty(push.msgId);
      event.at_ms = positive(push.timestamp);
    }
    yunhuSender(event, push.sender);
    event.quote_message_id = nonEmpty(push.quoteMsgId);
    if (push.content) event.content = yunhuContent(push.contentType, push.content);
    const events = [event];
    if (positive(push.deleteTimestamp)) events.push(yunhuRecallOf(event, push.deleteTimestamp));
    return events;
  }

  function yunhuStream(stream) {
    const event = newEvent('edit', 'yunhu');
    event.conversation_id = nonEmpty(stream.chatId);
    event.target_message_id = nonEmpty(stream.msgId);
    event.content = content('text', stream.content ?? '');
    return [event];
  }

  function yunhuFrame(bytes) {
    // The frame itself needs no toObject: its cmd says what `data.value` holds.
    const frame = T.WsWrapper.decode(bytes);
    const cmd = frame.info?.cmd ?? '';
    if (!frame.data) return [];
    switch (cmd) {
      case 'push_message':
      case 'edit_message':
      case 'blocked_message':
        return yunhuPush(decodeObject(T.PushMessage, frame.data.value), cmd === 'edit_message');
      case 'stream_message':
        return yunhuStream(decodeObject(T.StreamMessage, frame.data.value));
      default:
        return [];
    }
  }

  function yunhuListed(msg) {
    const event = newEvent('message', 'yunhu');
    event.message_id = nonEmpty(msg.msgId);
    event.at_ms = positive(msg.sendTime);
    yunhuSender(event, msg.sender);
    event.outgoing = msg.direction === 'right' ? true : msg.direction === 'left' ? false : null;
    event.quote_message_id = nonEmpty(msg.quoteMsgId);
    if (msg.content) event.content = yunhuContent(msg.contentType, msg.content);
    return positive(msg.msgDeleteTime) ? [event, yunhuRecallOf(event, msg.msgDeleteTime)] : [event];
  }

  function yunhuList(bytes) {
    const list = decodeObject(T.ListMessageResponse, bytes);
    return (list.msg ?? []).flatMap(yunhuListed);
  }

  function yunhuSend(bytes) {
    const send = decodeObject(T.SendMessageRequest, bytes);
    const event = newEvent('message', 'yunhu');
    event.message_id = nonEmpty(send.msgId);
    event.conversation_id = nonEmpty(send.chatId);
    event.conversation_kind = yunhuKind(send.chatType);
    event.quote_message_id = nonEmpty(send.quoteMsgId);
    event.outgoing = true;
    const out = send.content ? yunhuContent(send.contentType, send.content) : content('unknown');
    const media = send.media;
    if (media) {
      out.key = out.key ?? nonEmpty(media.fileKey);
      out.width = out.width ?? positive(media.imageWidth);
      out.height = out.height ?? positive(media.imageHeight);
      out.size = out.size ?? positive(media.fileSize);
      out.mime_type = nonEmpty(media.fileType);
    }
    event.content = out;
    return [event];
  }

  function yunhuRecall(bytes) {
    const recall = decodeObject(T.RecallMsgRequest, bytes);
    return (recall.msgId ?? []).map((msgId) => {
      const event = newEvent('recall', 'yunhu');
      event.conversation_id = nonEmpty(recall.chatId);
      event.conversation_kind = yunhuKind(recall.chatType);
      event.target_message_id = nonEmpty(msgId);
      event.outgoing = true;
      return event;
    });
  }

  // ---- Douyin (internal IM protobuf, Open Platform webhooks) --------------------------------

  const DOUYIN_IM_CONTENT = { 7: 'text', 2: 'image', 3: 'audio', 4: 'video', 5: 'sticker', 6: 'file' };
  const DOUYIN_IM_CONVERSATION = { 1: 'direct', 2: 'group', 3: 'channel', 4: 'channel' };

  function douyinBody(body) {
    // The content JSON may name a 64-bit message id as a number.
    const json = nestedJson(body.content ?? '', parseExact);
    const commandType = int(get(json, 'command_type'));
    const messageType = body.messageType ?? 0;
    let type = 'message';
    if ((messageType === 50001 && commandType === 1) || messageType === 50013) type = 'read';
    else if (messageType === 50001 && commandType === 8) type = 'enter';
    else if (messageType === 50001) type = 'command';
    else if (messageType === 40001) type = 'recall';
    const event = newEvent(type, 'douyin');
    event.conversation_id = nonZero(body.conversationShortId) ?? nonEmpty(body.conversationId);
    event.conversation_kind = DOUYIN_IM_CONVERSATION[body.conversationType ?? 0] ?? null;
    event.sender_id = nonZero(body.sender);
    event.at_ms = positive(body.createTime);
    event.message_id = nonZero(body.serverMessageId);
    if (type === 'message') {
      const out = content(DOUYIN_IM_CONTENT[messageType] ?? 'unknown');
      if (json !== null) {
        out.text = str(json, 'text');
        out.url = str(json, 'url') ?? str(json, 'resource_url');
        out.name = str(json, 'file_name') ?? str(json, 'name');
      } else {
        out.text = body.content ?? '';
      }
      event.content = out;
    } else if (type === 'command') {
      event.content = content('system', body.content ?? '');
    } else {
      const target = has(json, 'target_message_id') ? id(json, 'target_message_id') : id(json, 'server_message_id');
      event.target_message_id = target === '0' ? null : target;
    }
    return [event];
  }

  function douyinResponse(bytes) {
    const message = decodeObject(T.Response, bytes).body?.hasNewMessageNotify?.message;
    return message ? douyinBody(message) : [];
  }

  function douyinNotify(bytes) {
    const message = decodeObject(T.NewMessageNotify, bytes).message;
    return message ? douyinBody(message) : [];
  }

  const DOUYIN_WEBHOOK_TYPES = {
    im_receive_msg: 'message', im_send_msg: 'message', im_group_receive_msg: 'message', im_group_send_msg: 'message',
    im_enter_direct_msg: 'enter', im_recall_msg: 'recall', im_message_read: 'read',
  };
  const DOUYIN_WEBHOOK_CONTENT = {
    text: 'text', image: 'image', user_local_image: 'image', video: 'video', user_local_video: 'video',
    emoji: 'sticker', retain_consult_card: 'card',
  };

  /** Open Platform webhooks `{event, from_user_id, content}`; null for other Douyin shapes. */
  function douyinJson(value) {
    const name = get(value, 'event');
    if (typeof name !== 'string' || !(has(value, 'content') || name === 'verify_webhook')) return null;
    // `content` is an object, or the same as JSON text.
    let body = get(value, 'content');
    if (typeof body === 'string') body = nestedJson(body);
    else if (!isObject(body)) return [];
    if (body === null || name === 'verify_webhook') return [];
    const type = DOUYIN_WEBHOOK_TYPES[name] ?? 'system';
    const event = newEvent(type, 'douyin');
    event.conversation_id = id(body, 'conversation_short_id');
    event.conversation_kind = name.startsWith('im_group') ? 'group' : 'direct';
    const serverMessageId = id(body, 'server_message_id');
    if (type === 'recall' || type === 'read') event.target_message_id = serverMessageId;
    else event.message_id = serverMessageId;
    event.sender_id = id(value, 'from_user_id');
    const users = get(body, 'user_infos');
    const user = Array.isArray(users) ? users.find((one) => id(one, 'open_id') === event.sender_id) : undefined;
    event.sender_name = str(user, 'nick_name');
    event.sender_avatar = str(user, 'avatar');
    event.at_ms = int(get(body, 'create_time'));
    event.outgoing = name.endsWith('send_msg');
    if (type === 'message') {
      const messageType = typeof get(body, 'message_type') === 'string' ? body.message_type : 'other';
      const kind = DOUYIN_WEBHOOK_CONTENT[messageType] ?? 'unknown';
      const out = content(kind, str(body, 'text'));
      out.url = str(body, 'resource_url');
      if (kind === 'unknown') out.title = messageType;
      event.content = out;
    } else if (type === 'system') {
      event.content = content('system', name);
    }
    return [event];
  }

  // ---- WeCom (wkteam callbacks) ---------------------------------------------------------------

  function wecomContent(kind, text) {
    const json = nestedJson(text);
    const field = (key) => get(json, key);
    switch (kind) {
      case 'Text':
        return content('text', text);
      case 'Image': {
        const out = content('image');
        out.key = str(json, 'file_id');
        out.size = int(field('size'));
        out.width = int(field('width'));
        out.height = int(field('height'));
        out.name = str(json, 'file_name');
        return out;
      }
      case 'Video': {
        const out = content('video');
        out.key = str(json, 'video_file_id');
        out.size = int(field('video_size'));
        out.duration_ms = times(int(field('video_play_time')), 1000);
        out.width = int(field('width'));
        out.height = int(field('height'));
        out.thumbnail_url = str(json, 'preface_image_url');
        return out;
      }
      case 'Location': {
        const out = content('location', str(json, 'address'));
        out.lat = float(field('latitude'));
        out.lon = float(field('longitude'));
        out.title = str(json, 'title');
        return out;
      }
      case 'Contact': {
        const out = content('contact');
        out.key = text;
        return out;
      }
      case 'MiniProgram': {
        const parameter = field('parameter');
        const out = content('card');
        out.title = str(parameter, 'title');
        out.name = str(parameter, 'display_name');
        out.thumbnail_url = str(parameter, 'icon_url');
        out.url = str(parameter, 'page_path');
        return out;
      }
      case 'Url': {
        const out = content('card');
        out.title = str(json, 'title');
        out.description = str(json, 'desc');
        out.url = str(json, 'url');
        out.thumbnail_url = str(json, 'thumb_url');
        return out;
      }
      default: {
        const out = content('unknown', text);
        out.title = kind;
        return out;
      }
    }
  }

  function wecomMessage(message) {
    const event = newEvent('message', 'wecom');
    event.message_id = id(message, 'id');
    event.sender_id = id(message, 'from_id');
    event.at_ms = times(int(get(message, 'timestamp')), 1000);
    const room = id(message, 'room_id');
    if (room !== null) {
      event.conversation_id = room;
      event.conversation_kind = 'group';
    } else {
      // Both directions of a pair in one conversation: the two ids, sorted.
      const pair = [event.sender_id ?? '', id(message, 'to_id') ?? ''].sort();
      event.conversation_id = pair.join(':');
      event.conversation_kind = 'direct';
    }
    event.content = wecomContent(str(message, 'type') ?? '', str(message, 'text') ?? '');
    return [event];
  }

  function wecomEvent(wecomEvent, kind) {
    const payload = get(wecomEvent, 'payload');
    const field = (key) => id(payload, key);
    const base = (type) => {
      const out = newEvent(type, 'wecom');
      out.conversation_id = field('room_id');
      out.conversation_kind = out.conversation_id === null ? null : 'group';
      const timestamp = int(get(payload, 'timestamp'));
      out.at_ms = timestamp === null ? null : epochToMs(timestamp);
      return out;
    };
    switch (kind) {
      case 'ROOM_TOPIC': {
        const out = base('topic');
        out.sender_id = field('changer_id');
        const topic = field('new_topic');
        out.content = topic === null ? null : content('system', topic);
        return [out];
      }
      case 'ROOM_JOIN':
      case 'ROOM_LEAVE': {
        const join = kind === 'ROOM_JOIN';
        const members = get(payload, join ? 'invitee_id_list' : 'removee_id_list');
        if (!Array.isArray(members)) return [];
        const events = [];
        for (const member of members) {
          const memberId = idOf(member);
          if (memberId === null) continue;
          const out = base(join ? 'join' : 'leave');
          out.sender_id = field(join ? 'inviter_id' : 'remover_id');
          out.content = content('system');
          out.content.key = memberId;
          events.push(out);
        }
        return events;
      }
      case 'LOGOUT': {
        const out = base('logout');
        const data = field('data');
        out.content = data === null ? null : content('system', data);
        return [out];
      }
      default: {
        const out = base('system');
        out.content = content('system', kind);
        return [out];
      }
    }
  }

  /** Callbacks `{seq, token, message|event}`; null for other WeCom shapes (our requests...). */
  function wecomJson(value) {
    if (!has(value, 'seq') || !has(value, 'token')) return null;
    const message = get(value, 'message');
    if (isObject(message)) return wecomMessage(message);
    const event = get(value, 'event');
    if (isObject(event)) return wecomEvent(event, str(event, 'event_type') ?? '');
    return null;
  }

  // ---- Mixin (message views, attachments) -----------------------------------------------------

  function mixinPayload(message) {
    const encoded = str(message, 'data_base64') ?? str(message, 'data');
    if (encoded === null) return new Uint8Array(0);
    try {
      return base64Bytes(encoded);
    } catch {
      return new Uint8Array(0);
    }
  }

  function mixinMessage(message) {
    const category = str(message, 'category');
    if (category === null) return [];
    const payloadText = utf8.decode(mixinPayload(message));
    const json = nestedJson(payloadText);
    const event = newEvent('message', 'mixin');
    event.conversation_id = id(message, 'conversation_id');
    event.message_id = id(message, 'message_id');
    event.quote_message_id = id(message, 'quote_message_id');
    event.sender_id = id(message, 'user_id');
    const created = str(message, 'created_at');
    event.at_ms = created === null ? null : rfc3339ToMs(created);
    const field = (key) => get(json, key);
    const media = (kind) => {
      const out = content(kind);
      out.key = str(json, 'attachment_id');
      out.mime_type = str(json, 'mime_type');
      out.size = int(field('size'));
      out.width = int(field('width'));
      out.height = int(field('height'));
      out.name = str(json, 'name');
      return out;
    };
    let out;
    switch (category) {
      case 'PLAIN_TEXT': out = content('text', payloadText); break;
      case 'PLAIN_POST': out = content('markdown', payloadText); break;
      case 'PLAIN_IMAGE': out = media('image'); break;
      case 'PLAIN_DATA': out = media('file'); break;
      case 'PLAIN_VIDEO':
        out = media('video');
        // Video durations are seconds, audio durations milliseconds (the SDK's documentation).
        out.duration_ms = times(int(field('duration')), 1000);
        break;
      case 'PLAIN_AUDIO':
        out = media('audio');
        out.duration_ms = int(field('duration'));
        break;
      case 'PLAIN_STICKER':
        out = content('sticker');
        out.key = str(json, 'sticker_id');
        out.name = str(json, 'name');
        break;
      case 'PLAIN_CONTACT':
        out = content('contact');
        out.key = str(json, 'user_id');
        break;
      case 'APP_CARD':
        out = content('card');
        out.title = str(json, 'title');
        out.description = str(json, 'description');
        out.url = str(json, 'action');
        out.thumbnail_url = str(json, 'icon_url');
        break;
      case 'PLAIN_LIVE':
        out = content('video');
        out.url = str(json, 'url');
        out.thumbnail_url = str(json, 'thumb_url');
        out.width = int(field('width'));
        out.height = int(field('height'));
        break;
      case 'PLAIN_LOCATION':
        out = content('location', str(json, 'address'));
        out.lat = float(field('latitude'));
        out.lon = float(field('longitude'));
        out.title = str(json, 'name');
        break;
      case 'APP_BUTTON_GROUP':
        out = content('buttons');
        out.buttons = payloadText;
        break;
      case 'PLAIN_TRANSCRIPT': out = content('post', payloadText); break;
      case 'MESSAGE_RECALL':
        event.type = 'recall';
        event.target_message_id = str(json, 'message_id');
        return [event];
      case 'SYSTEM_CONVERSATION': {
        const action = str(json, 'action') ?? '';
        event.type = { ADD: 'join', JOIN: 'join', REMOVE: 'leave', EXIT: 'leave', UPDATE: 'topic' }[action] ?? 'system';
        event.conversation_kind = 'group';
        out = content('system', action);
        out.key = str(json, 'participant_id');
        break;
      }
      default: {
        const system = category.startsWith('SYSTEM_') || category === 'MESSAGE_PIN';
        event.type = system ? 'system' : 'message';
        out = content(system ? 'system' : 'unknown', payloadText === '' ? null : payloadText);
        out.title = category;
      }
    }
    event.content = out;
    return [event];
  }

  function mixinAttachment(attachment) {
    const event = newEvent('upload', 'mixin');
    event.content = content('file');
    event.content.key = id(attachment, 'attachment_id');
    event.content.url = str(attachment, 'view_url');
    event.outgoing = true;
    return [event];
  }

  const isMessageView = (value) => has(value, 'conversation_id') && has(value, 'message_id') && has(value, 'category')
    && (has(value, 'user_id') || has(value, 'created_at'));

  /** Message views and attachments, bare or in `{data}`; null for other Mixin shapes (Blaze frames...). */
  function mixinJson(value) {
    if (isMessageView(value)) return mixinMessage(value);
    const data = get(value, 'data');
    if (isObject(data)) {
      if (isMessageView(data)) return mixinMessage(data);
      if (has(data, 'attachment_id') && (has(data, 'upload_url') || has(data, 'view_url'))) return mixinAttachment(data);
    }
    if (has(value, 'attachment_id') && has(value, 'view_url')) return mixinAttachment(value);
    return null;
  }

  // ---- WeChat (E云 syncFinder pages and callbacks) ---------------------------------------------

  function wechatMessageLike(msgType, body) {
    let type = 'message';
    let out;
    switch (msgType) {
      case 1: out = content('text', body); break;
      case 3: out = wechatImage(body); break;
      case 34: out = content('audio'); break;
      case 43: out = content('video'); break;
      case 47: out = content('sticker'); break;
      case 49: out = content('card', body); break;
      case 10000:
      case 10002: {
        const sysmsg = sysmsgType(body);
        const revoked = sysmsg === 'revokemsg' ? xmlText(body, 'newmsgid') : null;
        if (revoked !== null) {
          const event = newEvent('recall', 'wechat');
          event.target_message_id = revoked;
          event.content = content('system', body);
          return event;
        }
        type = 'system';
        out = content('system', sysmsg ?? body);
        break;
      }
      default: out = content('unknown', body);
    }
    const event = newEvent(type, 'wechat');
    event.content = out;
    return event;
  }

  function wechatImage(xml) {
    const out = content('image');
    const img = /<img\s([^>]*)>/.exec(xml);
    if (!img) return out;
    const attribute = (name) => {
      const found = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(img[1]);
      return found && found[1] !== '' ? found[1] : null;
    };
    const number = (name) => {
      const value = attribute(name);
      return value !== null && /^[+-]?\d+$/.test(value) && Number(value) > 0 ? Number(value) : null;
    };
    // cdn*url attributes are CDN file ids, fetched with the aeskey: keys, not URLs.
    out.key = attribute('cdnmidimgurl') ?? attribute('cdnbigimgurl');
    out.size = number('length');
    out.width = number('cdnmidwidth') ?? number('cdnthumbwidth');
    out.height = number('cdnmidheight') ?? number('cdnthumbheight');
    return out;
  }

  function liveNotice(xml) {
    const sysmsg = sysmsgType(xml);
    switch (sysmsg) {
      case 'finderliveclosenotifymsg':
        return `Channels live stream ended (live ${xmlText(xml, 'live_id') ?? ''}, object ${xmlText(xml, 'object_id') ?? ''})`;
      case 'functionmsg': {
        const id = xmlText(xml, 'functionmsgid') ?? '';
        const prefix = 'FinderLiveNotificationMsg_';
        if (!id.startsWith(prefix)) return `Channels notice (${id})`;
        const notice = id.slice(prefix.length).split('_')[0];
        return `Channels live stream ${/^\d*$/.test(notice) ? 'notice' : notice} (${id})`;
      }
      case null:
        return 'Channels notice';
      default:
        return `Channels notice: ${sysmsg}`;
    }
  }

  /** One `data.list[]` item: a 视频号 private message in its session, or a live-stream notice. */
  function wechatSyncItem(item) {
    const body = get(item, 'content');
    const msg = get(body, 'msg');
    if (msg === undefined) return null;
    const wrapped = (key) => str(get(msg, key), 'string');
    const outgoing = int(get(body, 'isSender')) === 1;
    const text = wrapped('Content') ?? '';
    const session = str(body, 'msgSessionId');
    const event = wechatMessageLike(int(get(msg, 'MsgType')) ?? 0, text);
    event.message_id = id(msg, 'NewMsgId') ?? id(msg, 'MsgId');
    event.at_ms = times(int(get(msg, 'CreateTime')), 1000);
    event.conversation_kind = 'channels_inbox';
    event.outgoing = outgoing;
    if (session !== null) {
      event.sender_id = wrapped('FromUserName');
      event.recipient_id = wrapped('ToUserName');
      event.conversation_id = session;
    } else {
      event.conversation_id = LIVE_NOTICES;
      event.sender_name = '视频号直播';
      if (event.type === 'system') event.content = content('system', liveNotice(text));
    }
    return event;
  }

  function wechatCallback(data) {
    const event = wechatMessageLike(int(get(data, 'msgType')) ?? 1, str(data, 'content') ?? '');
    event.message_id = id(data, 'newMsgId') ?? id(data, 'msgId');
    event.sender_id = id(data, 'fromUser');
    const timestamp = int(get(data, 'timestamp'));
    event.at_ms = timestamp === null ? null : epochToMs(timestamp);
    const outgoing = get(data, 'self') === true;
    event.outgoing = outgoing;
    const group = id(data, 'fromGroup');
    if (group !== null) {
      event.conversation_id = group;
      event.conversation_kind = 'group';
    } else {
      event.conversation_id = outgoing ? id(data, 'toUser') : event.sender_id;
      event.conversation_kind = 'direct';
    }
    return [event];
  }

  /** Our own requests: privateSend, sendText, sendImage2, sendFile, revokeMsg; syncFinder has none. */
  function wechatRequest(value) {
    const event = newEvent('message', 'wechat');
    event.outgoing = true;
    if (has(value, 'sessionId') && has(value, 'toUserName')) {
      event.conversation_id = id(value, 'sessionId');
      event.conversation_kind = 'channels_inbox';
      event.sender_id = id(value, 'myUserName');
      event.recipient_id = id(value, 'toUserName');
      const text = str(value, 'content');
      event.content = text === null ? null : content('text', text);
      return [event];
    }
    event.conversation_id = id(value, 'wcId');
    event.conversation_kind = 'direct';
    if (has(value, 'msgId') && has(value, 'newMsgId') && has(value, 'createTime')) {
      event.type = 'recall';
      event.target_message_id = id(value, 'newMsgId');
    } else if (has(value, 'path') && has(value, 'fileName')) {
      event.content = content('file');
      event.content.url = str(value, 'path');
      event.content.name = str(value, 'fileName');
    } else if (has(value, 'keyBuff')) {
      return [];
    } else {
      const text = str(value, 'content');
      if (text === null) return null;
      if (text.startsWith('http://') || text.startsWith('https://')) {
        event.content = content('image');
        event.content.url = text;
      } else {
        event.content = content('text', text);
      }
    }
    return [event];
  }

  /** syncFinder pages, callbacks and our requests; API answers have no events; null otherwise. */
  function wechatJson(value) {
    // E云 codes are strings ("1000").
    const code = get(value, 'code');
    const stringCode = typeof code === 'string';
    const list = get(get(value, 'data'), 'list');
    if (stringCode && Array.isArray(list)) {
      const events = [];
      for (const item of list) {
        const event = wechatSyncItem(item);
        if (event) events.push(event);
      }
      return events;
    }
    if ((code === '1000' || code === '1001') && has(value, 'message') && has(value, 'data')) return [];
    if (has(value, 'messageType') && has(value, 'data') && has(value, 'wcId')) return wechatCallback(get(value, 'data'));
    if (has(value, 'wId') || has(value, 'wcId') || (has(value, 'sessionId') && has(value, 'toUserName'))) {
      return wechatRequest(value);
    }
    return null;
  }

  // ---- Entry points ---------------------------------------------------------------------------

  const JSON_PLATFORMS = { douyin: douyinJson, wecom: wecomJson, mixin: mixinJson, wechat: wechatJson };
  // As the core tries them when the platform is not known.
  const JSON_ORDER = [douyinJson, wecomJson, mixinJson, wechatJson];
  const PROTOBUF = {
    'yunhu.WsWrapper': yunhuFrame,
    'yunhu.ListMessageResponse': yunhuList,
    'yunhu.SendMessageRequest': yunhuSend,
    'yunhu.RecallMsgRequest': yunhuRecall,
    'yunhu.PushMessage': (bytes) => yunhuPush(decodeObject(T.PushMessage, bytes), false),
    'yunhu.StreamMessage': (bytes) => yunhuStream(decodeObject(T.StreamMessage, bytes)),
    'douyin_im.Response': douyinResponse,
    'douyin_im.NewMessageNotify': douyinNotify,
    'douyin_im.MessageBody': (bytes) => douyinBody(decodeObject(T.MessageBody, bytes)),
  };

  /** The payload's bytes: hex and base64 text decoded, as the JS code would first. */
  function bytesOf(bytes, hint) {
    switch (hint.encoding) {
      case 'hex': return hexBytes(utf8.decode(bytes));
      case 'base64': return base64Bytes(utf8.decode(bytes));
      default: return bytes;
    }
  }

  /** Events of one payload, as plain objects with our event's field names. */
  function eventsOf(bytes, hint) {
    try {
      if (hint.kind === 'json') {
        // Only WeChat sends ids above 2^53 as JSON numbers: the others skip the reviver's cost.
        const text = utf8.decode(bytes);
        const exact = hint.platform === undefined || hint.platform === 'wechat';
        const value = exact ? parseExact(text) : JSON.parse(text);
        if (hint.platform !== undefined) return JSON_PLATFORMS[hint.platform]?.(value) ?? [];
        for (const pick of JSON_ORDER) {
          const events = pick(value);
          if (events) return events;
        }
        return [];
      }
      const decode = PROTOBUF[hint.message];
      return decode ? decode(bytesOf(bytes, hint)) : [];
    } catch {
      // Malformed input: no events, as the core.
      return [];
    }
  }

  return {
    root,
    eventsOf,
    walk,
    bytesOf,
    /** Whether JSON integers above 2^53 come out exact (JSON.parse source text access). */
    exactJson,
    /** Whether protobuf.js decodes 64-bit integers exactly (Long.js present). */
    exactLongs: Boolean(protobuf.util.Long),
  };
}

// ---- Picking helpers, as the core's fields.rs ----------------------------------------------

function newEvent(type, platform) {
  // Every field our events carry, so all events share one shape.
  return {
    type, platform, conversation_id: null, conversation_kind: null, message_id: null, target_message_id: null,
    sender_id: null, recipient_id: null, sender_name: null, sender_avatar: null, at_ms: null, content: null,
    outgoing: null, quote_message_id: null,
  };
}

const content = (kind, text = null) => ({ kind, text });
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const get = (value, key) => (isObject(value) ? value[key] : undefined);
const has = (value, key) => isObject(value) && value[key] !== undefined;
const nonEmpty = (text) => (typeof text === 'string' && text !== '' ? text : null);
const str = (value, key) => nonEmpty(get(value, key));
/** An id: a non-empty string, or a number's text. */
const idOf = (value) => (typeof value === 'string' ? nonEmpty(value) : typeof value === 'number' ? String(value) : null);
const id = (value, key) => idOf(get(value, key));
/** An integer from a number or a numeric string. */
const int = (value) => {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  return typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : null;
};
const float = (value) => {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : null;
};
const times = (value, factor) => (value === null ? null : value * factor);
/** A protobuf uint64 (a decimal string from toObject) as its text unless zero or absent. */
const nonZero = (value) => (value === undefined || value === null || value === '0' || value === 0 ? null : String(value));
/** A protobuf uint64 as a number unless zero or absent. */
const positive = (value) => (value === undefined || value === null || value === '0' || value === 0 ? null : Number(value));

/** Unix milliseconds from seconds, milliseconds or microseconds, told apart by magnitude. */
function epochToMs(value) {
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) return value * 1000;
  if (magnitude < 1e14) return value;
  return Math.trunc(value / 1000);
}

const RFC3339 = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/;
function rfc3339ToMs(text) {
  const ms = RFC3339.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? null : ms;
}

function sysmsgType(xml) {
  const marker = '<sysmsg type="';
  const start = xml.indexOf(marker);
  if (start < 0) return null;
  const end = xml.indexOf('"', start + marker.length);
  return end < 0 ? null : xml.slice(start + marker.length, end);
}

/** The trimmed text of the first `<name>` element. */
function xmlText(xml, name) {
  const found = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]+)`).exec(xml);
  return found ? found[1].trim() : null;
}

function jsonHasSource() {
  try {
    return JSON.parse('1', (key, value, context) => context?.source) === '1';
  } catch {
    return false;
  }
}

function hexBytes(text) {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) throw new Error('not hex');
  const out = new Uint8Array(digits.length / 2);
  for (let index = 0; index < out.length; index++) out[index] = parseInt(digits.substr(index * 2, 2), 16);
  return out;
}

/** Standard or URL-safe base64, padded or not. */
function base64Bytes(text) {
  let standard = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  while (standard.length % 4 !== 0) standard += '=';
  const binary = atob(standard);
  const out = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) out[index] = binary.charCodeAt(index);
  return out;
}

// ---- The schema-less walk --------------------------------------------------------------------

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Control characters other than tab, newline and carriage return: no text a person typed.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Every field at every depth, each length-delimited value read as a nested message, else text,
 * else bytes, into a tree of `{number, wireType, value}`; returns how many fields. Malformed input
 * stops the walk and keeps what came before it. The same choices as the core's raw decode, so the
 * counts agree: printable text wins over a message unless it starts with a control byte (a
 * message's first tag usually does), nesting stops at 64 levels.
 */
function walk(bytes) {
  return new Walker(bytes).walk();
}

class Walker {
  constructor(bytes) {
    this.bytes = bytes;
    this.pos = 0;
    this.count = 0;
    this.fields = [];
  }

  walk() {
    this.readFields(this.bytes.length, MAX_DEPTH, 0, this.fields);
    return this.count;
  }

  /** A varint as a number (exact to 2^53); -1 when malformed. */
  readVarint(end) {
    const bytes = this.bytes;
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 10; index++) {
      if (this.pos >= end) return -1;
      const byte = bytes[this.pos++];
      if (index === 9 && byte > 1) return -1;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return -1;
  }

  /** Fields until `end`, or until the end-group tag of `group` (0: none open). False on a fault. */
  readFields(end, depthLeft, group, out) {
    const bytes = this.bytes;
    while (this.pos < end) {
      const key = this.readVarint(end);
      if (key < 0) return false;
      const wireType = key % 8;
      const number = Math.floor(key / 8);
      if (wireType > 5 || number === 0 || number > 0x1fffffff) return false;
      switch (wireType) {
        case 0: {
          const start = this.pos;
          const value = this.readVarint(end);
          if (value < 0) return false;
          // Past 7 bytes a number may round: read those few exactly.
          out.push({ number, wireType, value: this.pos - start > 7 ? exactVarint(bytes, start) : value });
          break;
        }
        case 1: {
          if (end - this.pos < 8) return false;
          const view = new DataView(bytes.buffer, bytes.byteOffset + this.pos, 8);
          out.push({ number, wireType, value: view.getBigUint64(0, true) });
          this.pos += 8;
          break;
        }
        case 5: {
          if (end - this.pos < 4) return false;
          const at = this.pos;
          out.push({ number, wireType, value: (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0 });
          this.pos += 4;
          break;
        }
        case 2: {
          const length = this.readVarint(end);
          if (length < 0 || length > end - this.pos) return false;
          const field = { number, wireType, value: null };
          out.push(field);
          this.count++;
          const valueEnd = this.pos + length;
          field.value = this.readLen(this.pos, valueEnd, depthLeft);
          this.pos = valueEnd;
          continue;
        }
        case 3: {
          if (depthLeft === 0) return false;
          const field = { number, wireType, value: [] };
          out.push(field);
          this.count++;
          if (!this.readFields(end, depthLeft - 1, number, field.value)) return false;
          continue;
        }
        case 4:
          return group === number;
      }
      this.count++;
    }
    return group === 0;
  }

  /** The best reading of a length-delimited value: fields, text or bytes. */
  readLen(start, end, depthLeft) {
    if (start === end) return '';
    const first = this.bytes[start];
    const control = first < 0x20 || first === 0x7f;
    if (control) {
      const nested = this.nested(start, end, depthLeft);
      if (nested) return nested;
    }
    const text = this.text(start, end);
    if (text !== null && !CONTROL.test(text)) return text;
    if (!control) {
      const nested = this.nested(start, end, depthLeft);
      if (nested) return nested;
    }
    return text ?? this.bytes.subarray(start, end);
  }

  /** The value as a whole message, or null (and nothing counted) when it is not one. */
  nested(start, end, depthLeft) {
    if (depthLeft === 0) return null;
    const mark = this.count;
    this.pos = start;
    const fields = [];
    if (this.readFields(end, depthLeft - 1, 0, fields)) return fields;
    this.count = mark;
    return null;
  }

  text(start, end) {
    try {
      return strictUtf8.decode(this.bytes.subarray(start, end));
    } catch {
      return null;
    }
  }
}

function exactVarint(bytes, start) {
  let value = 0n;
  for (let index = 0; index < 10; index++) {
    const byte = bytes[start + index];
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if (byte < 0x80) break;
  }
  return value;
}
