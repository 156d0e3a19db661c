//! Lambda cost: requests plus GB-seconds billed per millisecond, with monthly tiers.
//!
//! [`Billing`] accumulates integers only (invocations and billed MB·ms), so the cost at
//! any sample is exact and independent of summation order; [`CostModel`] applies the
//! prices.

use crate::model::function::Invocation;
use crate::scenario::{Architecture, PriceTier, Pricing, Scenario};

/// What the function has been billed so far.
#[derive(Clone, Debug)]
pub struct Billing {
    prices: CostModel,
    memory_mb: u64,
    requests: u64,
    billed_mb_ms: u128,
}

impl Billing {
    /// Nothing billed yet, at the prices and memory of `scenario`'s function.
    pub fn new(scenario: &Scenario) -> Self {
        Billing {
            prices: CostModel::new(&scenario.pricing, scenario.function.architecture),
            memory_mb: scenario.function.memory as u64,
            requests: 0,
            billed_mb_ms: 0,
        }
    }

    /// Bills an invocation as it starts (its duration is known then): one request and
    /// its duration rounded up to the millisecond. A throttled invoke is not billed.
    pub fn bill(&mut self, invocation: &Invocation) {
        if !invocation.outcome.is_billed() {
            return;
        }
        self.requests += 1;
        self.billed_mb_ms += invocation.duration.as_millis_ceil() as u128 * self.memory_mb as u128;
    }

    /// MB·ms billed so far.
    pub fn billed_mb_ms(&self) -> u128 {
        self.billed_mb_ms
    }

    /// The cost of everything billed so far.
    pub fn cost(&self) -> CostBreakdown {
        self.prices.cost(self.requests, self.billed_mb_ms)
    }
}

/// Cost so far, in USD, broken down.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CostBreakdown {
    /// GB-seconds billed.
    pub gb_s: f64,
    /// Request charges.
    pub requests_usd: f64,
    /// Duration (GB-s) charges.
    pub duration_usd: f64,
    /// Requests plus duration.
    pub total_usd: f64,
}

/// Prices for one function.
#[derive(Clone, Debug)]
pub struct CostModel {
    request_per_million: f64,
    tiers: Vec<PriceTier>,
    month_to_date_gb_s: f64,
}

impl CostModel {
    /// The prices that apply to a function of the given architecture.
    pub fn new(pricing: &Pricing, architecture: Architecture) -> Self {
        let tiers = match architecture {
            Architecture::X86_64 => pricing.x86_64.clone(),
            Architecture::Arm64 => pricing.arm64.clone(),
        };
        CostModel {
            request_per_million: pricing.request_per_million,
            tiers,
            month_to_date_gb_s: pricing.month_to_date_gb_s,
        }
    }

    /// Cost of `invocations` requests that were billed `mb_ms` MB·ms in total.
    pub fn cost(&self, invocations: u64, mb_ms: u128) -> CostBreakdown {
        let gb_s = mb_ms as f64 / 1024.0 / 1000.0;
        let requests_usd = invocations as f64 * self.request_per_million / 1e6;
        let duration_usd =
            self.tiered(self.month_to_date_gb_s + gb_s) - self.tiered(self.month_to_date_gb_s);
        CostBreakdown {
            gb_s,
            requests_usd,
            duration_usd,
            total_usd: requests_usd + duration_usd,
        }
    }

    /// Cost of the first `gb_s` GB-seconds of a month.
    fn tiered(&self, gb_s: f64) -> f64 {
        let mut cost = 0.0;
        let mut lower = 0.0;
        for tier in &self.tiers {
            let upper = tier.up_to_gb_s.unwrap_or(f64::INFINITY);
            if gb_s > lower {
                cost += (gb_s.min(upper) - lower) * tier.usd_per_gb_s;
            }
            lower = upper;
        }
        cost
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Billing for a 1 GB x86_64 function at list prices, with nothing billed yet.
    pub(crate) fn one_gb_billing() -> Billing {
        let yaml = "name: b
duration: 1m
topic: {partitions: 1}
producer: {rate: [{constant: 1}]}
function: {memory: 1024, duration: {per_batch: 1ms}}
";
        let scenario =
            crate::scenario::load::from_yaml_str(yaml, std::path::Path::new("."), &[]).unwrap();
        Billing::new(&scenario)
    }

    /// The scenario defaults: these tests also pin them to AWS's list prices.
    fn pricing() -> Pricing {
        crate::scenario::resolve::default_pricing()
    }

    #[test]
    fn list_price_arithmetic() {
        // AWS list price: 1,024 MB × 100 ms = 0.1 GB-s × $0.0000166667 = $1.6667e-6 of
        // duration, plus $0.20 per million requests = $2e-7 per request.
        let x86 = CostModel::new(&pricing(), Architecture::X86_64);
        let one = x86.cost(1, 1024 * 100);
        assert!((one.gb_s - 0.1).abs() < 1e-15);
        assert!((one.duration_usd - 1.66667e-6).abs() < 1e-18);
        assert!((one.requests_usd - 2e-7).abs() < 1e-20);
        let arm = CostModel::new(&pricing(), Architecture::Arm64);
        assert!((arm.cost(1, 1024 * 100).duration_usd - 1.33334e-6).abs() < 1e-18);
    }

    #[test]
    fn tiers_apply_to_the_month_to_date() {
        let mut p = pricing();
        p.month_to_date_gb_s = 6e9 - 50.0;
        let cost = CostModel::new(&p, Architecture::X86_64).cost(0, 100 * 1024 * 1000);
        let expected = 50.0 * 0.0000166667 + 50.0 * 0.000015;
        assert!(
            (cost.duration_usd - expected).abs() < 1e-9,
            "{}",
            cost.duration_usd
        );
    }

    #[test]
    fn billing_rounds_each_invocation_up_to_the_millisecond_and_skips_throttles() {
        use crate::engine::time::SimDuration;
        use crate::model::function::Outcome;
        let mut billing = one_gb_billing();
        // 300 ms, 750 ms and 299.000001 ms (billed 300 ms) at 1 GB: 1.35 GB-s.
        for ns in [300_000_000, 750_000_000, 299_000_001] {
            billing.bill(&Invocation::finished(SimDuration(ns), Outcome::Ok));
        }
        // A timeout is billed like any invocation; a throttled invoke is not billed.
        billing.bill(&Invocation::finished(
            SimDuration::from_millis(100),
            Outcome::Timeout,
        ));
        billing.bill(&Invocation::finished(
            SimDuration::from_secs(9),
            Outcome::Throttled,
        ));
        assert_eq!(billing.billed_mb_ms(), 1024 * 1_450);
        let cost = billing.cost();
        assert_eq!(cost.gb_s, 1.45);
        assert!((cost.requests_usd - 4.0 * 0.2e-6).abs() < 1e-18);
    }
}
