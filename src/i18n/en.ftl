## The English catalog. Every word the app shows; zh-CN.ftl has the same messages.

# The top bar
app-name = Switchboard
nav-label = Main
nav-desk = Desk
nav-inspector = Inspector
nav-settings = Settings
language-label = Language
# Times
time-just-now = just now
time-minutes-ago = { $minutes } min ago
time-hours-ago = { $hours } h ago
time-yesterday = yesterday { $time }
time-date = { $year }-{ $mm }-{ $dd }
# Logging in (the app's own form; the server's page has its words in crates/server/src/words.rs)
login-title = Log in
login-hint = Your agent name and password. An admin adds agents in Settings or with
login-name = Name
login-password = Password
login-submit = Log in
login-mismatch = That name and password do not match an agent.
# Why a call to the server failed ($message: the server's or the browser's own words)
error-logged-out = log in first
error-status = { $message } ({ $status })
error-network = the server cannot be reached: { $message }
error-unexpected = unexpected answer: { $message }
# Platforms, as people call them
platform-yunhu = Yunhu
platform-douyin = Douyin
platform-wecom = WeCom
platform-mixin = Mixin
platform-wechat = WeChat
# What the desk tells the agent when something did not work
notice-pull-failed = Pulling { $platform }: { $error }
notice-not-saved = not saved: { $error }
notice-cannot = Cannot { $action }: { $error }
action-load-earlier = load earlier messages
action-recall = recall
action-edit = edit
compose-unsupported = not supported: { $what }
compose-missing = missing: { $what }
send-conversation-gone = the conversation is gone
send-log-in-again = log in again
stream-unsupported = this browser has no EventSource
# How a platform receives (sentences chosen by crates/desk/src/receiving.rs)
transport-webhook = its webhook
transport-blaze = the Blaze WebSocket
transport-websocket = its WebSocket
transport-poll = the server's pulls
receiving-last-message = ; last message { $at }
receiving-error = {" "}({ $error })
receiving-webhook = Receives on its webhook URL.
receiving-pulling-now = Receiving over { $over }: pulling now.
receiving-connected = Receiving over { $over }: connected since { $since }{ $last }.
receiving-connecting-again = Not receiving: connecting to { $over }… attempt { $attempt }{ $error }.
receiving-connecting = Not receiving yet: connecting to { $over }…
receiving-backing-off = Not receiving: reconnecting to { $over } in { $seconds } s — attempt { $attempt }{ $error }{ $last }.
receiving-stopped = Stopped receiving over { $over }{ $error }. Correct the configuration and restart the server.
receiving-standby = Another instance receives over { $over }; this one takes over if it stops.
receiving-next-pull = Receiving over { $over }: next pull { $at }.
receiving-idle = Receiving over { $over }{ $last }.
receiving-also-webhook = {" "}It also receives on its webhook URL.
receiving-platform = { $platform }: { $sentence }
# What the desk can do on a platform (Settings)
can-recall = recall
can-recall-minutes = recall (within { $minutes } min)
can-recall-seconds = recall (within { $seconds } s)
can-send-text = send text
can-send-markdown = send Markdown
can-send-images = send images
can-send-files = send files
can-edit = edit sent messages
can-quote = reply with a quote
can-read-receipts = send read receipts
can-history = load earlier messages
can-pull = pull messages
can-inbox = answer the Channels inbox ({ $allowed })
can-inbox-text = text
can-inbox-images = images
can-inbox-files = files
can-inbox-recall = recall
list-separator = {", "}
# A platform's card in Settings
settings-webhook-url = Webhook URL
settings-copy = Copy
settings-copied = Copied.
settings-copy-refused = The browser refused the clipboard: select the URL and copy it by hand.
settings-no-webhook = { $platform } posts no webhooks: the server keeps { $over } open itself, so there is no URL to give it.
settings-webhook-missing = The server listed no webhook URL for this platform.
settings-desk-can = The desk can:
settings-desk-can-nothing = nothing yet
settings-desk-cannot = Not on this platform:
# The desk
dismiss = dismiss
mention-toast = { $author } mentioned you: { $text }
mention-open = open
connection-loading = { $rows ->
    [one] loading the log… { $rows } row
   *[other] loading the log… { $rows } rows
}
connection-live = live
connection-reconnecting = reconnecting…
connection-offline = offline since { $since }
connection-logged-out = logged out
connection-history = reading history… { $percent }%
platforms-label = Platforms
platform-all = All
channels-inbox = Channels inbox
channels-badge = Channels
unread = unread
pull-now-title = Pull { $platform } messages now (the server also pulls on its own)
pull-now-label = Pull { $platform } messages now
pulling = pulling…
pull = pull
conversations-label = Conversations
conversation-list-label = Conversation list
search-placeholder = Search names and messages  ( / )
search-label = Search conversations
tabs-label = Whose conversations
tab-mine = Mine
tab-unassigned = Unassigned
tab-all = All
status-label = Status
status-open = Open
status-pending = Pending
status-snoozed = Snoozed
status-resolved = Resolved
status-all = All statuses
no-conversations = No conversations match.
mention-badge = a note names you
assigned-to = Assigned to
# The open conversation
thread-label = Conversation
thread-empty = Pick a conversation (Alt+J / Alt+K move through them).
quoted-unknown = message { $id }
history-start = Beginning of the conversation
load-earlier = Load earlier messages
show-newest = newest
snoozed-until = Snoozed until { $time }
snoozed-until-customer = Snoozed until the customer writes
reopen = Reopen
resolve = Resolve
snooze-label = Snooze
snooze-choose = Snooze…
snooze-customer = until the customer writes (Alt+M)
snooze-hour = for an hour
snooze-tomorrow = until tomorrow 09:00
mark-pending = Mark pending
assign-label = Assign to
assignee-nobody = nobody
assignee-me = me ({ $name })
assignee-online = { $name } ●
member-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
show-earlier = show earlier ({ $count } more)
show-later = show later ({ $count } more)
presence-typing = { $count ->
    [one] { $names } is typing…
   *[other] { $names } are typing…
}
presence-viewing = { $count ->
    [one] { $names } is viewing
   *[other] { $names } are viewing
}
# A message
preview-recalled = (recalled)
preview-image = [image]
preview-video = [video]
preview-audio = [audio]
preview-file = [file]
preview-location = [location]
preview-contact = [contact]
preview-card = [card]
preview-sticker = [sticker]
preview-buttons = [buttons]
preview-message = [message]
preview-by = { $name }:{" "}
preview-by-you = You:{" "}
status-sending = sending…
status-sent = sent
status-failed = failed — { $reason }
status-logged = logged
sender-agent-you = { $name } (you)
sender-agent = { $name } (agent)
sender-you = You
private-note = Private note
mark-edited = edited
mark-recalled = recalled
hide-original = hide original
show-original = show original
edit-message-label = Edit message
save = save
cancel = cancel
before-edit = before the edit
action-reply = reply
action-retry = retry
action-copy = copy
action-inspect = inspect
inspect-title = Open the raw payload in the inspector
upload-progress = Upload progress
# Kinds of events (system lines, the inspector's events)
event-message = message
event-recall = recall
event-edit = edit
event-read = read
event-join = join
event-leave = leave
event-topic = topic
event-logout = logout
event-enter = enter
event-upload = upload
event-command = command
event-system = system
event-profile = profile
# The composer
composer-reply = Reply
composer-modes = Write
note-hint = Only the team sees notes; @name tells an agent.
cannot-send-here = { $platform } cannot send messages from here: write a private note instead (Alt+P).
replying-to = Replying to
cancel-reply = Cancel the reply
canned-none = No canned reply matches (Settings → Canned replies).
canned-label = Canned replies
composer-note-label = Note
composer-message-label = Message
composer-note-placeholder = Private note… (the customer never sees it; Alt+P back to reply)
composer-reply-placeholder = Reply… (Enter sends, Shift+Enter for a new line, / for canned replies)
markdown-title = Send as Markdown (the customer's app renders it)
markdown = Markdown
attach-image = Image…
attach-image-label = Attach an image
attach-file = File…
attach-file-label = Attach a file
add-note = Add note
send = Send
# Message contents
content-contact = Contact
content-sticker = Sticker
content-location = Location
content-video = Video
content-audio = Audio
content-file = File
content-image = image
content-unsupported = [unsupported message]
download = download
enlarge-image = Enlarge image
html-message = HTML message
held-back = Only part of this message is shown here; “inspect” shows all of it.
# Settings
loading = Loading…
retry = Retry
log-out = Log out
settings-logout-failed = logging out failed: { $error }
settings-load-failed = The settings could not be loaded:
settings-secrets-where = Give each platform its webhook URL. Its last segment is that platform's webhook secret, kept in the data directory as
settings-secrets-keep = — keep it as private as a password.
settings-secrets-rotate = replaces one; the old URL stops working at once.
settings-public-url = The URLs start with the configured public_url, { $url }.
settings-public-url-unset = The URLs use the address this browser opened. If the platforms reach this server at another one (a public name, HTTPS through a proxy), set public_url in the configuration (or SWITCHBOARD_PUBLIC_URL) and restart.
settings-no-platform = No platform is configured.
log-ok = The event log is taking writes.
log-failing = The event log is not taking writes (since { $since }): { $reason }. Webhooks are refused until it does; the platforms retry them. It recovers by itself once the cause is gone (for a full disk: free space).
mode-sandbox = Sandbox mode: every platform is emulated on this machine; messages come from the simulated customer, and nothing reaches a real platform.
mode-live = Live mode: the platforms below are configured for real.
# The team (Settings)
agents-title = Agents
agent-admin = admin
agent-online = ● online
agent-online-title = Has the desk open
agent-disabled = disabled
agent-enable = enable
agent-disable = disable
agent-enable-label = enable { $name }
agent-disable-label = disable { $name }
agent-set-password = set password
agent-set-password-label = set password for { $name }
agent-new-password-for = New password for { $name }
agent-new-password = New password
agent-set = Set
agent-add-label = Add an agent
agent-add = Add agent
# Canned replies (Settings)
canned-how = Type / at the start of the reply box to pick one; these are filled in:
canned-delete = delete
canned-delete-label = delete { $shortcut }
canned-add-label = Add a canned reply
canned-shortcut = Shortcut
canned-text = Text
canned-save = Save canned reply
# The inspector
inspector-empty-title = Nothing to inspect yet
inspector-empty-body = Paste or drop a payload — JSON, protobuf (binary, hex or base64), gzip frames, Node console dumps — to see exactly what it says.
decode-error = { $format } at byte { $offset }: { $message } — everything before it is shown.
source-share-link = shared link
source-log-row = event log #{ $seq } ({ $platform } { $direction })
log-row-missing = The event log has no row { $seq }.
log-row-unreadable = Could not read row { $seq } of the event log: { $error }
file-unreadable = could not read { $name }: { $error }
paste-placeholder = Paste a payload: JSON, hex, base64, protobuf text format, a Node console dump…
paste-loaded = { $bytes ->
    [one] Loaded { $source } ({ $bytes } byte). Paste here to replace it.
   *[other] Loaded { $source } ({ $bytes } bytes). Paste here to replace it.
}
input-label = Payload input
payload-label = Payload
change-bytes-before = its bytes in the first payload
change-bytes-after = its bytes in the second payload
change-bytes-more = … (+{ $count } bytes)
compare-title = Compare with another payload
compare-label = Second payload
compare-placeholder = Paste the payload to compare with: the changes from the first one are listed and marked in its tree
changes-count = { $count ->
    [0] No differences
    [one] 1 change
   *[other] { $count } changes
}
change-added = added
change-removed = removed
change-changed = changed
open-file = Open file…
open-file-label = Open a payload file
drop-hint = or drop a file anywhere on this page
unknown-platform = unknown platform
unknown-schema = unknown schema
schema-confidence = { $schema } · confidence { $confidence }
unexpanded = { $count ->
    [one] { $count } nested payload not expanded: expanding the others used the { $mib } MiB budget
   *[other] { $count } nested payloads not expanded: expanding the others used the { $mib } MiB budget
}
detected-label = Detected
override-format = Format
override-platform = Platform
override-schema = Schema
override-auto = auto
worker-not-loaded = its script did not load
worker-not-ready = it did not start within 15 seconds
decoding-off-thread = Decoding { $bytes } bytes in the background: the page stays usable, and a new input cancels it.
decoding-worker-failed = The background decoder failed, so this page decoded the payload itself: { $error }
schemas-title = Your schemas ({ $count })
schemas-hint = Your own .proto files, kept in this browser until removed: their messages are named and recognized beside ours, and listed under Schema. Files import each other by file name; google/protobuf/*.proto are built in.
schemas-add-files = Add .proto files…
schemas-add-files-label = Add .proto files
schemas-paste-label = Paste a .proto file
schemas-paste-name-label = Its file name
schemas-paste-add = Add
schemas-remove = Remove
schemas-remove-label = Remove { $name }
schemas-compiling = Compiling…
schemas-error = Not compiled, nothing changed: { $error }
schemas-not-kept = This browser refused to keep your schemas (its storage is full): they work until you leave this page.
schemas-not-text = { $name } is not UTF-8 text
schemas-paste-placeholder = syntax = "proto3";
schemas-worker-unstarted = The schema compiler did not start: { $error }
schemas-worker-stopped = The schema compiler stopped: { $error }
schemas-worker-garbled = The schema compiler answered something else: { $error }
actions-label = Actions
copy-json = Copy JSON
download-json = Download JSON
download-refused = The browser refused the download
copy-path = Copy path
copy-value = Copy value
share-link = Share link
clear = Clear
what-json = decoded JSON
what-path = path
what-value = value
what-share-link = share link
copy-curl = Copy as curl
curl-label = curl command
what-curl = curl command
replay = Replay into the intake
replayed = Replayed into the intake: row { $seq }
replayed-duplicate = Replayed into the intake: the log already holds it, as row { $seq }
replay-failed = Could not replay: { $error }
copied-what = Copied { $what }
copy-refused-what = The browser refused the clipboard; select and copy the { $what } by hand
events-label = Events
events-title = What the agent will see
events-none = No events: this payload carries no message or conversation change.
event-picture = picture { $url }
event-name = name { $name }
event-profile-person = profile of a person
event-profile-group = profile of a group
event-profile-empty = nothing said
event-described = in the log's profile answers, { $id } is: { $facts }
event-sender = sender { $sender }
event-ids = conversation { $conversation } · message { $message }
event-target = message { $message }
tree-label = Decoded tree
tree-root = (root)
tree-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
nested-from-string = ↳ decoded from the string: { $chain }
nested-from-string-as = ↳ decoded from the string: { $chain } as { $schema }
nested-from-frame = ↳ decoded from the frame: { $chain }
nested-from-frame-as = ↳ decoded from the frame: { $chain } as { $schema }
read-as-label = Read { $field } as
read-as = as { $reading }
bytes-label = Bytes
# Kinds of nodes in the tree: the wire formats' own words
kind-object = object
kind-array = array
kind-message = message
kind-group = group
kind-string = string
kind-number = number
kind-bool = bool
kind-null = null
kind-varint = varint
kind-fixed32 = fixed32
kind-fixed64 = fixed64
kind-bytes = bytes
kind-packed = packed
kind-element = element
kind-attribute = attribute
kind-text = text
kind-frame = frame
upload-broke-off = the upload broke off
not-found-title = Page not found
not-found-body = There is no page at this address. Go to:
notification-title = { $name } · { $platform }
notifications-title = Notifications
notifications-what = When a customer writes in a conversation that is yours (or nobody's) while this tab is hidden or another conversation is open.
notifications-turn-on = Turn on notifications
notifications-blocked = Notifications are blocked in this browser (its site settings can allow them).
notifications-on = Notifications are on in this browser.
notifications-sound = Play a sound when a customer writes
tab-title = { $unread ->
    [0] Switchboard
   *[other] ({ $unread }) Switchboard
}
# Payload formats
format-json = JSON
format-jsonc = JSON with comments
format-node-dump = Node console dump
format-textproto = protobuf text format
format-xml = XML
format-hex = hex
format-base64 = base64
format-base64url = base64url
format-gzip = gzip
format-delimited = varint-delimited frames
format-grpc = gRPC / Connect frames
format-gzip-frames = gzip frames (Blaze)
format-protobuf = protobuf
format-text = text
announce-customer-wrote = New message from { $name }: { $text }
settings-no-webhook-pulled = { $platform } posts no webhooks: the server pulls its messages itself, so there is no URL to give it.
# Which way a log row went (the inspector names a row it opens)
direction-inbound = inbound
direction-outbound = outbound
direction-response = response
direction-pulled = pulled
direction-rejected = rejected
direction-desk = desk
