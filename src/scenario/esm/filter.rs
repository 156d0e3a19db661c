//! `esm.filter`: event filtering (AWS: up to 5 filter criteria per mapping, 10 with a
//! quota increase, combined with OR). Raw form, resolved form, defaults, checks, the
//! manifest's assumptions and the `explain` inverse.
//!
//! A filter is described by the share of records that match it, not by a pattern: the
//! simulator does not model record contents. Two forms:
//!
//! * `filter: {match: 0.25}`: one filter that 25 % of the records pass;
//! * `filter: {filters: [{match: 0.1}, {match: 0.05}]}`: up to 5 filters (10 with
//!   `quota_raised: true`), combined with OR; a record passes with probability
//!   `1 − Π (1 − match_i)` (the filters are taken as independent, an assumption).
//!
//! Without `esm.filter` every record is invoked, exactly as before the option existed
//! (and the manifest and scenario hash leave it out).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

use crate::scenario::locate::FieldPath;
use crate::scenario::resolve::{Context, Result};

/// Most filters per mapping (AWS).
pub const MAX_FILTERS: usize = 5;
/// Most filters per mapping with a raised quota (AWS).
pub const MAX_FILTERS_QUOTA_RAISED: usize = 10;
/// Whether filtered-out records use the poller's bandwidth when the scenario does not
/// say: yes, they are fetched like any other (an assumption; AWS does not say).
pub const DEFAULT_BANDWIDTH_COUNTS_FILTERED: bool = true;

/// What a share of matching records is called in errors.
const SHARE: &str = "a share of records from 0 to 1";

/// The manifest's assumptions about filtering (listed only when a filter is set).
pub(crate) fn assumptions(filter: &Filter) -> Vec<String> {
    let bandwidth = if filter.bandwidth_counts_filtered {
        "use the poller's bandwidth (esm.poller.max_bytes_per_s; AWS does not say whether filtered bytes count)"
    } else {
        "do not use the poller's bandwidth (bandwidth_counts_filtered: false; AWS does not say)"
    };
    vec![
        format!(
            "esm.filter: filtered records are read by the poller: they {bandwidth}, and count toward batch_size and the payload limit when a batch closes (AWS: BatchSize is the records Lambda pulls from the source); only matching records reach the function, which is billed for their count and, pro rata, their bytes"
        ),
        "esm.filter: a batch whose records are all filtered out is committed when it is read, without an invocation, and the processor goes on at once (AWS does not say when such offsets are committed)".to_string(),
        "esm.filter: several filters match independently (a record passes with 1 - prod(1 - match)); matching records are spread evenly over offsets: floor(n x share) of a partition's first n offsets with deterministic arrivals, a binomial count per block of 1,024 offsets (evenly spaced inside it) with Poisson arrivals".to_string(),
    ]
}

/// The mapping's filter criteria, as shares of records that match.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    /// Share of records that match each filter (0 ..= 1), one entry per filter.
    pub matches: Vec<f64>,
    /// Written as a `filters:` list (rather than one `match:`).
    pub listed: bool,
    /// Up to 10 filters instead of 5.
    pub quota_raised: bool,
    /// Whether filtered-out records use the poller's bandwidth (default: yes).
    pub bandwidth_counts_filtered: bool,
}

impl Filter {
    /// Share of records that pass (match at least one filter): `1 − Π (1 − match_i)`,
    /// exactly `match` for one filter.
    pub fn pass_share(&self) -> f64 {
        match self.matches.as_slice() {
            [share] => *share,
            matches => 1.0 - matches.iter().map(|m| 1.0 - m).product::<f64>(),
        }
    }
}

/// Written as the scenario writes it: `{match: share}` or `{filters: [...]}`, with
/// `quota_raised` and `bandwidth_counts_filtered` only when not their defaults.
impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut raw = to_raw(self);
        if raw.bandwidth_counts_filtered == Some(DEFAULT_BANDWIDTH_COUNTS_FILTERED) {
            raw.bandwidth_counts_filtered = None;
        }
        raw.serialize(serializer)
    }
}

/// One entry of `esm.filter.filters`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFilterRule {
    /// Share of records that match.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// `esm.filter`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFilter {
    /// One filter: the share of records that match it.
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Several filters, combined with OR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<RawFilterRule>>,
    /// The account's quota of filters per mapping was raised to 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota_raised: Option<bool>,
    /// Whether filtered-out records use the poller's bandwidth.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bandwidth_counts_filtered: Option<bool>,
}

/// Resolves `esm.filter` at `base`; `None` when absent (no filtering).
pub(crate) fn resolve(
    raw: Option<&RawFilter>,
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<Option<Filter>> {
    let Some(f) = raw else {
        return Ok(None);
    };
    let quota_raised = f.quota_raised.unwrap_or(false);
    let bandwidth_counts_filtered = f
        .bandwidth_counts_filtered
        .unwrap_or(DEFAULT_BANDWIDTH_COUNTS_FILTERED);
    let share_ok = |x: f64| (0.0..=1.0).contains(&x);
    let (matches, listed) = match (f.share, &f.filters) {
        (Some(share), None) => (
            vec![cx.check_float(&base.key("match"), share, share_ok, SHARE)?],
            false,
        ),
        (None, Some(rules)) => {
            let p_filters = base.key("filters");
            let most = if quota_raised {
                MAX_FILTERS_QUOTA_RAISED
            } else {
                MAX_FILTERS
            };
            if rules.is_empty() || rules.len() > most {
                let quota = if quota_raised {
                    format!("{MAX_FILTERS_QUOTA_RAISED} with `quota_raised: true`")
                } else {
                    format!(
                        "{MAX_FILTERS} (AWS; {MAX_FILTERS_QUOTA_RAISED} with `quota_raised: true`)"
                    )
                };
                return Err(cx.invalid(
                    &p_filters,
                    format!("a list of {} filters", rules.len()),
                    format!("a list of 1 to {quota} filters"),
                ));
            }
            let mut matches = Vec::with_capacity(rules.len());
            for (i, rule) in rules.iter().enumerate() {
                let p = p_filters.index(i).key("match");
                let Some(share) = rule.share else {
                    return Err(cx.missing(&p, SHARE));
                };
                matches.push(cx.check_float(&p, share, share_ok, SHARE)?);
            }
            (matches, true)
        }
        (Some(_), Some(_)) => {
            return Err(cx.invalid(
                &base.key("filters"),
                "both `match` and `filters`",
                "either `match: share` (one filter) or `filters: [{match: share}, ...]`",
            ));
        }
        (None, None) => {
            return Err(cx.missing(
                &base.key("match"),
                "`match: share` (one filter) or `filters: [{match: share}, ...]`",
            ));
        }
    };
    Ok(Some(Filter {
        matches,
        listed,
        quota_raised,
        bandwidth_counts_filtered,
    }))
}

/// The `explain` inverse: the filter in the form the scenario wrote it, every field out.
pub(crate) fn to_raw(f: &Filter) -> RawFilter {
    let (share, filters) = if f.listed {
        let rules = f
            .matches
            .iter()
            .map(|&m| RawFilterRule { share: Some(m) })
            .collect();
        (None, Some(rules))
    } else {
        (f.matches.first().copied(), None)
    };
    RawFilter {
        share,
        filters,
        quota_raised: f.quota_raised.then_some(true),
        bandwidth_counts_filtered: Some(f.bandwidth_counts_filtered),
    }
}
