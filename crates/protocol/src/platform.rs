//! The platforms switchboard speaks to. Adding one is one variant here; everything else finds it
//! through this enum.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Yunhu,
    Douyin,
    Wecom,
    Mixin,
    Wechat,
}

impl Platform {
    pub const ALL: [Platform; 5] = [
        Platform::Yunhu,
        Platform::Douyin,
        Platform::Wecom,
        Platform::Mixin,
        Platform::Wechat,
    ];

    /// The id used in URLs, the log, the config file and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Platform::Yunhu => "yunhu",
            Platform::Douyin => "douyin",
            Platform::Wecom => "wecom",
            Platform::Mixin => "mixin",
            Platform::Wechat => "wechat",
        }
    }

    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Yunhu => "Yunhu",
            Platform::Douyin => "Douyin",
            Platform::Wecom => "WeCom",
            Platform::Mixin => "Mixin",
            Platform::Wechat => "WeChat",
        }
    }

    pub fn from_id(id: &str) -> Option<Platform> {
        Platform::ALL
            .into_iter()
            .find(|platform| platform.id() == id)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.id())
    }
}

/// A platform id that names none of [`Platform::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPlatform(pub String);

impl std::fmt::Display for UnknownPlatform {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let known: Vec<&str> = Platform::ALL.iter().map(|platform| platform.id()).collect();
        write!(
            formatter,
            "unknown platform {:?} (one of {})",
            self.0,
            known.join(", ")
        )
    }
}

impl std::error::Error for UnknownPlatform {}

impl std::str::FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(id: &str) -> Result<Platform, UnknownPlatform> {
        Platform::from_id(id).ok_or_else(|| UnknownPlatform(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_json_and_text() {
        for platform in Platform::ALL {
            let json = serde_json::to_string(&platform).unwrap();
            assert_eq!(json, format!("\"{}\"", platform.id()));
            assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), platform);
            assert_eq!(platform.id().parse::<Platform>(), Ok(platform));
        }
        let error = "icq".parse::<Platform>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown platform \"icq\" (one of yunhu, douyin, wecom, mixin, wechat)"
        );
    }
}
