//! `esm.poller`: the limits of one poller. Raw form, resolved form, defaults, checks and
//! `explain` inverse.

use serde::{Deserialize, Serialize};

use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};
use crate::scenario::units::SizeValue;

/// Record bytes one poller fetches per second (AWS fact: 5 MB/s per poller).
pub const DEFAULT_MAX_BYTES_PER_S: u64 = 5_000_000;
/// Concurrent invocations per poller (AWS fact: 5).
pub const DEFAULT_MAX_CONCURRENT_INVOKES: i64 = 5;
/// Most concurrent invocations per poller a scenario may set.
pub const MAX_CONCURRENT_INVOKES: i64 = 100;

/// The manifest's assumptions about pollers.
pub(crate) fn assumptions() -> Vec<String> {
    vec![
        "esm.poller.max_bytes_per_s: enforced as a rate with one second of burst per poller"
            .to_string(),
    ]
}

/// Limits of one poller (AWS: 5 MB/s and 5 concurrent invocations).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PollerLimits {
    /// Record bytes one poller can fetch per second.
    pub max_bytes_per_s: u64,
    /// Concurrent invocations (= processors) per poller.
    pub max_concurrent_invokes: u32,
}

/// `esm.poller`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoller {
    /// Record bytes per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bytes_per_s: Option<SizeValue>,
    /// Concurrent invocations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrent_invokes: Option<i64>,
}

/// Resolves `esm.poller` at `base` (every field has a default).
pub(crate) fn resolve(
    raw: Option<&RawPoller>,
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<PollerLimits> {
    let default = RawPoller::default();
    let p = raw.unwrap_or(&default);
    Ok(PollerLimits {
        max_bytes_per_s: cx.size(
            &base.key("max_bytes_per_s"),
            p.max_bytes_per_s.as_ref(),
            DEFAULT_MAX_BYTES_PER_S,
            1,
            u64::MAX,
        )?,
        max_concurrent_invokes: cx.int(
            &base.key("max_concurrent_invokes"),
            p.max_concurrent_invokes,
            DEFAULT_MAX_CONCURRENT_INVOKES,
            1,
            MAX_CONCURRENT_INVOKES,
        )? as u32,
    })
}

/// The `explain` inverse of the poller limits.
pub(crate) fn to_raw(p: &PollerLimits) -> RawPoller {
    RawPoller {
        max_bytes_per_s: Some(SizeValue::new(p.max_bytes_per_s)),
        max_concurrent_invokes: Some(i64::from(p.max_concurrent_invokes)),
    }
}
