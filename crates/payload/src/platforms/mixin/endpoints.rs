//! Mixin's API endpoints the desk uses (`../shared/reference/platforms.md`); every call carries
//! an EdDSA JWT signed over its method, path and body.

use crate::endpoint::Endpoint;

pub const MESSAGES: Endpoint = Endpoint::post("/messages");
/// Creates an attachment: the answer names its id and the storage URL to PUT the bytes to.
pub const CREATE_ATTACHMENT: Endpoint = Endpoint::post("/attachments");
pub const ATTACHMENT: Endpoint = Endpoint::get("/attachments/{id}");
pub const ACKNOWLEDGEMENTS: Endpoint = Endpoint::post("/acknowledgements");
pub const ME: Endpoint = Endpoint::get("/me");
/// Many users at once: a JSON array of user ids (reference `contacts.md` §1).
pub const USERS_FETCH: Endpoint = Endpoint::post("/users/fetch");
/// A conversation: a group's name, icon and participants.
pub const CONVERSATION: Endpoint = Endpoint::get("/conversations/{id}");

pub const ALL: &[Endpoint] = &[
    MESSAGES,
    CREATE_ATTACHMENT,
    ATTACHMENT,
    ACKNOWLEDGEMENTS,
    ME,
    USERS_FETCH,
    CONVERSATION,
];
