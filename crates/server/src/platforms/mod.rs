//! What the server needs to know about each platform — and nothing more: which upstream calls
//! the browser may make (an allow-list from the reference), how credentials are attached, how a
//! webhook is authenticated and de-duplicated, and which media hosts may be fetched. One module
//! per platform; the proxy, intake and media routes are generic over [`PlatformRules`].

pub mod douyin;
pub mod mixin;
pub mod outgoing;
pub mod receive;
pub mod rules;
pub mod upload;
pub mod wechat;
pub mod wecom;
pub mod yunhu;

use std::collections::BTreeMap;
use std::sync::Arc;

use switchboard_payload::Platform;

pub use outgoing::*;
pub use receive::{Ended, Frame, Line, SessionFuture};
pub use rules::*;
pub use upload::{Courier, Exchange, File, FileKind, Upload, UploadFuture};

use crate::config::Config;

/// The configured platforms, in the order of their ids (as `/api/config` lists them). Cheap to clone (every request's state holds one).
#[derive(Clone, Default)]
pub struct Platforms {
    by_id: Arc<BTreeMap<&'static str, Arc<dyn PlatformRules>>>,
}

impl Platforms {
    pub fn from_config(config: &Config) -> anyhow::Result<Platforms> {
        let mut platforms = BTreeMap::new();
        if let Some(settings) = &config.yunhu {
            insert(&mut platforms, Arc::new(yunhu::Yunhu::new(settings)?));
        }
        if let Some(settings) = &config.douyin {
            insert(&mut platforms, Arc::new(douyin::Douyin::new(settings)?));
        }
        if let Some(settings) = &config.wecom {
            insert(&mut platforms, Arc::new(wecom::Wecom::new(settings)?));
        }
        if let Some(settings) = &config.mixin {
            insert(&mut platforms, Arc::new(mixin::Mixin::new(settings)?));
        }
        if let Some(settings) = &config.wechat {
            insert(&mut platforms, Arc::new(wechat::Wechat::new(settings)?));
        }
        Ok(Platforms {
            by_id: Arc::new(platforms),
        })
    }

    pub fn get(&self, platform: Platform) -> Option<&Arc<dyn PlatformRules>> {
        self.by_id.get(platform.id())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn PlatformRules>> {
        self.by_id.values()
    }

    /// Every configured credential, for leak checks.
    pub fn all_credentials(&self) -> Vec<String> {
        self.iter().flat_map(|rules| rules.credentials()).collect()
    }
}

fn insert(
    platforms: &mut BTreeMap<&'static str, Arc<dyn PlatformRules>>,
    rules: Arc<dyn PlatformRules>,
) {
    platforms.insert(rules.platform().id(), rules);
}
