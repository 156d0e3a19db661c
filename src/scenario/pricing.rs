//! `pricing:`: the request price, the GB-second price tiers per architecture and the
//! Event Poller Unit price and density of provisioned mode. Raw form, resolved form, the default price table, checks and `explain` inverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::locate::FieldPath;
use super::resolve::{Context, NON_NEGATIVE, Result};

/// USD per million requests (AWS price, us-east-1).
pub const REQUEST_PER_MILLION: f64 = 0.20;
/// GB-second tiers for x86_64 as `(up to GB-s per month, USD per GB-s)` (AWS price,
/// us-east-1); the last tier has no upper bound.
pub const X86_64_TIERS: [(Option<f64>, f64); 3] = [
    (Some(6_000_000_000.0), 0.0000166667),
    (Some(15_000_000_000.0), 0.000015),
    (None, 0.0000133334),
];
/// GB-second tiers for arm64, as [`X86_64_TIERS`] (AWS price, us-east-1).
pub const ARM64_TIERS: [(Option<f64>, f64); 3] = [
    (Some(7_500_000_000.0), 0.0000133334),
    (Some(18_750_000_000.0), 0.0000120001),
    (None, 0.0000106667),
];
/// GB-seconds used this month before the run when the scenario gives none.
pub const DEFAULT_MONTH_TO_DATE_GB_S: f64 = 0.0;
/// USD per Event Poller Unit-hour of provisioned mode (AWS price, us-east-1).
pub const EPU_HOUR_USD: f64 = 0.185;
/// Pollers one Event Poller Unit holds (AWS default density).
pub const POLLERS_PER_EPU: i64 = 10;
/// Most pollers per EPU a scenario may set.
pub const MAX_POLLERS_PER_EPU: i64 = 1000;

/// Provisioned concurrency, x86_64: USD per GB-second configured (AWS price, us-east-1).
pub const PC_X86_64_USD_PER_GB_S: f64 = 0.0000041667;
/// Duration of invocations on provisioned concurrency, x86_64: USD per GB-second (AWS
/// price, us-east-1).
pub const PC_DURATION_X86_64_USD_PER_GB_S: f64 = 0.0000097222;
/// Provisioned concurrency, arm64: USD per GB-second configured (AWS price, us-east-1).
pub const PC_ARM64_USD_PER_GB_S: f64 = 0.0000033334;
/// Duration on provisioned concurrency, arm64: USD per GB-second (AWS price, us-east-1).
pub const PC_DURATION_ARM64_USD_PER_GB_S: f64 = 0.0000077778;
/// AWS bills provisioned concurrency from enabling to disabling, rounded up to 5 minutes.
pub const PC_BILLING_GRANULARITY_S: u64 = 300;

/// Prices (defaults: us-east-1, late 2026).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pricing {
    /// USD per million requests.
    pub request_per_million: f64,
    /// GB-second price tiers for x86_64.
    pub x86_64: Vec<PriceTier>,
    /// GB-second price tiers for arm64.
    pub arm64: Vec<PriceTier>,
    /// GB-seconds the account already used this month before the run (selects the tier).
    pub month_to_date_gb_s: f64,
    /// USD per Event Poller Unit-hour (provisioned mode; AWS: $0.185 in us-east-1).
    pub epu_hour_usd: f64,
    /// Pollers per Event Poller Unit (AWS default: 10).
    pub pollers_per_epu: u32,
    /// Provisioned-concurrency prices per architecture (left out of the manifest at the
    /// defaults).
    #[serde(skip_serializing_if = "PcPrices::is_default")]
    pub provisioned_concurrency: PcPrices,
}

/// Provisioned-concurrency prices for both architectures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PcPrices {
    /// x86_64.
    pub x86_64: PcPrice,
    /// arm64.
    pub arm64: PcPrice,
}

/// Provisioned-concurrency prices for one architecture.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PcPrice {
    /// USD per GB-second of provisioned concurrency configured.
    pub usd_per_gb_s: f64,
    /// USD per GB-second of invocations that run on it (no monthly tiers).
    pub duration_usd_per_gb_s: f64,
}

impl Default for PcPrices {
    fn default() -> Self {
        PcPrices {
            x86_64: PcPrice {
                usd_per_gb_s: PC_X86_64_USD_PER_GB_S,
                duration_usd_per_gb_s: PC_DURATION_X86_64_USD_PER_GB_S,
            },
            arm64: PcPrice {
                usd_per_gb_s: PC_ARM64_USD_PER_GB_S,
                duration_usd_per_gb_s: PC_DURATION_ARM64_USD_PER_GB_S,
            },
        }
    }
}

impl PcPrices {
    /// Whether these are the default (us-east-1) prices.
    pub fn is_default(&self) -> bool {
        *self == PcPrices::default()
    }
}

/// `pricing.provisioned_concurrency`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPcPrices {
    /// x86_64 prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x86_64: Option<RawPcPrice>,
    /// arm64 prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arm64: Option<RawPcPrice>,
}

/// One architecture's provisioned-concurrency prices.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPcPrice {
    /// USD per GB-s configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usd_per_gb_s: Option<f64>,
    /// USD per GB-s of duration on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_usd_per_gb_s: Option<f64>,
}

fn resolve_pc(raw: Option<&RawPcPrices>, base: &FieldPath, cx: &Context<'_>) -> Result<PcPrices> {
    let defaults = PcPrices::default();
    let Some(r) = raw else {
        return Ok(defaults);
    };
    let one = |raw: Option<&RawPcPrice>, key: &str, d: PcPrice| -> Result<PcPrice> {
        let p = base.key(key);
        let price = |k: &str, v: Option<f64>, d: f64| {
            cx.float(&p.key(k), v, d, |x| x >= 0.0, "a price in USD >= 0")
        };
        Ok(PcPrice {
            usd_per_gb_s: price(
                "usd_per_gb_s",
                raw.and_then(|x| x.usd_per_gb_s),
                d.usd_per_gb_s,
            )?,
            duration_usd_per_gb_s: price(
                "duration_usd_per_gb_s",
                raw.and_then(|x| x.duration_usd_per_gb_s),
                d.duration_usd_per_gb_s,
            )?,
        })
    };
    Ok(PcPrices {
        x86_64: one(r.x86_64.as_ref(), "x86_64", defaults.x86_64)?,
        arm64: one(r.arm64.as_ref(), "arm64", defaults.arm64)?,
    })
}

/// One monthly price tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriceTier {
    /// Upper bound of the tier in GB-s per month; `None` for the last tier.
    pub up_to_gb_s: Option<f64>,
    /// USD per GB-second within the tier.
    pub usd_per_gb_s: f64,
}

/// `pricing:`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPricing {
    /// USD per million requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_per_million: Option<f64>,
    /// x86_64 tiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x86_64: Option<Vec<RawPriceTier>>,
    /// arm64 tiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arm64: Option<Vec<RawPriceTier>>,
    /// GB-s used this month before the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_to_date_gb_s: Option<f64>,
    /// USD per EPU-hour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epu_hour_usd: Option<f64>,
    /// Pollers per EPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pollers_per_epu: Option<i64>,
    /// Provisioned-concurrency prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioned_concurrency: Option<RawPcPrices>,
}

/// One price tier.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPriceTier {
    /// Upper bound in GB-s (absent for the last tier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_gb_s: Option<f64>,
    /// USD per GB-s (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_gb_s: Option<f64>,
}

fn tiers(table: &[(Option<f64>, f64)]) -> Vec<PriceTier> {
    table
        .iter()
        .map(|&(up_to_gb_s, usd_per_gb_s)| PriceTier {
            up_to_gb_s,
            usd_per_gb_s,
        })
        .collect()
}

/// The default price table: us-east-1.
pub fn default_pricing() -> Pricing {
    Pricing {
        request_per_million: REQUEST_PER_MILLION,
        x86_64: tiers(&X86_64_TIERS),
        arm64: tiers(&ARM64_TIERS),
        month_to_date_gb_s: DEFAULT_MONTH_TO_DATE_GB_S,
        epu_hour_usd: EPU_HOUR_USD,
        pollers_per_epu: POLLERS_PER_EPU as u32,
        provisioned_concurrency: PcPrices::default(),
    }
}

/// Resolves `pricing:` (every field has a default).
pub(crate) fn resolve(raw: Option<&RawPricing>, cx: &Context<'_>) -> Result<Pricing> {
    let base = FieldPath::root("pricing");
    let defaults = default_pricing();
    let Some(p) = raw else {
        return Ok(defaults);
    };
    let request_per_million = cx.float(
        &base.key("request_per_million"),
        p.request_per_million,
        defaults.request_per_million,
        |x| x >= 0.0,
        "a price in USD >= 0",
    )?;
    let x86_64 = match &p.x86_64 {
        None => defaults.x86_64,
        Some(t) => resolve_tiers(t, &base.key("x86_64"), cx)?,
    };
    let arm64 = match &p.arm64 {
        None => defaults.arm64,
        Some(t) => resolve_tiers(t, &base.key("arm64"), cx)?,
    };
    let month_to_date_gb_s = cx.float(
        &base.key("month_to_date_gb_s"),
        p.month_to_date_gb_s,
        defaults.month_to_date_gb_s,
        |x| x >= 0.0,
        NON_NEGATIVE,
    )?;
    let epu_hour_usd = cx.float(
        &base.key("epu_hour_usd"),
        p.epu_hour_usd,
        defaults.epu_hour_usd,
        |x| x >= 0.0,
        "a price in USD >= 0",
    )?;
    let pollers_per_epu = cx.int(
        &base.key("pollers_per_epu"),
        p.pollers_per_epu,
        POLLERS_PER_EPU,
        1,
        MAX_POLLERS_PER_EPU,
    )? as u32;
    let provisioned_concurrency = resolve_pc(
        p.provisioned_concurrency.as_ref(),
        &base.key("provisioned_concurrency"),
        cx,
    )?;
    Ok(Pricing {
        request_per_million,
        x86_64,
        arm64,
        month_to_date_gb_s,
        epu_hour_usd,
        pollers_per_epu,
        provisioned_concurrency,
    })
}

fn resolve_tiers(
    tiers: &[RawPriceTier],
    base: &FieldPath,
    cx: &Context<'_>,
) -> Result<Vec<PriceTier>> {
    if tiers.is_empty() {
        return Err(cx.invalid(
            base,
            "an empty list",
            "a non-empty list of tiers `{up_to_gb_s, usd_per_gb_s}`, the last without `up_to_gb_s`",
        ));
    }
    let mut out = Vec::with_capacity(tiers.len());
    let mut prev_up_to: Option<f64> = None;
    for (i, t) in tiers.iter().enumerate() {
        let p = base.index(i);
        let last = i + 1 == tiers.len();
        let usd = match t.usd_per_gb_s {
            None => {
                return Err(cx.missing(
                    &p.key("usd_per_gb_s"),
                    "the price in USD per GB-second, >= 0",
                ));
            }
            Some(x) => cx.check_float(
                &p.key("usd_per_gb_s"),
                x,
                |x| x >= 0.0,
                "a price in USD >= 0",
            )?,
        };
        let up_to = match (t.up_to_gb_s, last) {
            (Some(x), true) => {
                return Err(cx.invalid(
                    &p.key("up_to_gb_s"),
                    x,
                    "absent: the last tier has no upper bound",
                ));
            }
            (None, true) => None,
            (None, false) => {
                return Err(cx.missing(
                    &p.key("up_to_gb_s"),
                    "the tier's upper bound in GB-s (every tier but the last has one)",
                ));
            }
            (Some(x), false) => {
                let after = prev_up_to.unwrap_or(0.0);
                if !(x.is_finite() && x > after) {
                    let allowed = match prev_up_to {
                        Some(prev) => format!(
                            "a number greater than the previous tier's `up_to_gb_s` ({prev})"
                        ),
                        None => "a finite number > 0".to_string(),
                    };
                    return Err(cx.invalid(&p.key("up_to_gb_s"), x, allowed));
                }
                prev_up_to = Some(x);
                Some(x)
            }
        };
        out.push(PriceTier {
            up_to_gb_s: up_to,
            usd_per_gb_s: usd,
        });
    }
    Ok(out)
}

/// The `explain` inverse: the resolved prices with every field written out.
pub(crate) fn to_raw(p: &Pricing) -> RawPricing {
    let tiers = |tiers: &[PriceTier]| {
        tiers
            .iter()
            .map(|t| RawPriceTier {
                up_to_gb_s: t.up_to_gb_s,
                usd_per_gb_s: Some(t.usd_per_gb_s),
            })
            .collect()
    };
    RawPricing {
        request_per_million: Some(p.request_per_million),
        x86_64: Some(tiers(&p.x86_64)),
        arm64: Some(tiers(&p.arm64)),
        month_to_date_gb_s: Some(p.month_to_date_gb_s),
        epu_hour_usd: Some(p.epu_hour_usd),
        pollers_per_epu: Some(i64::from(p.pollers_per_epu)),
        // Written out only when not the defaults, so `explain` of older scenarios is
        // unchanged.
        provisioned_concurrency: (!p.provisioned_concurrency.is_default()).then(|| {
            let one = |c: &PcPrice| RawPcPrice {
                usd_per_gb_s: Some(c.usd_per_gb_s),
                duration_usd_per_gb_s: Some(c.duration_usd_per_gb_s),
            };
            RawPcPrices {
                x86_64: Some(one(&p.provisioned_concurrency.x86_64)),
                arm64: Some(one(&p.provisioned_concurrency.arm64)),
            }
        }),
    }
}
