//! Cost: Lambda requests plus GB-seconds billed per millisecond, with monthly tiers, and
//! in provisioned mode the Event Poller Units ([`EpuBilling`]).
//!
//! With `function.cold_start`, INIT time is billed with the invocation unless
//! `bill_init` is false, and with provisioned concurrency `N` environments of the
//! function's memory are billed from t = 0 at the provisioned-concurrency price, in
//! steps of 5 minutes (AWS rounds up to 5 minutes), and invocations that run on them are
//! billed at the provisioned-concurrency duration price (no monthly tiers).
//!
//! [`Billing`] accumulates integers only (invocations, billed MB·ms, billed EPU-seconds),
//! so the cost at any sample is exact and independent of summation order; [`CostModel`]
//! applies the prices.
//!
//! EPU arithmetic: with `pollers_per_epu` = d, `p` pollers hold `ceil(p / d)` units. Unit
//! `k` (counting from 1) is provisioned while `ceil(p / d) >= k`; each provisioning of a
//! unit, from the moment the count reaches `k` to the moment it drops below, is billed
//! its length rounded up to the second, and at least 60 s. A unit still provisioned at
//! time `t` counts as if released at `t`. Cost = billed EPU-seconds × `epu_hour_usd` /
//! 3600.

use crate::engine::time::{SimDuration, SimTime};
use crate::model::function::{Environment, Invocation};
use crate::scenario::esm::provisioned::Mode;
use crate::scenario::pricing::{PC_BILLING_GRANULARITY_S, PcPrice};
use crate::scenario::{Architecture, PriceTier, Pricing, Scenario};

/// The shortest provisioning of an Event Poller Unit that is billed (AWS: one minute).
pub const EPU_MINIMUM_BILLED_S: u64 = 60;

/// What the function has been billed so far.
#[derive(Clone, Debug)]
pub struct Billing {
    prices: CostModel,
    memory_mb: u64,
    requests: u64,
    billed_mb_ms: u128,
    /// Event Poller Units, in provisioned mode only.
    epu: Option<EpuBilling>,
    /// Whether INIT time is billed.
    bill_init: bool,
    /// Provisioned concurrency: environments, prices, and the MB·ms billed on them.
    provisioned: Option<(u32, PcPrice, u128)>,
}

impl Billing {
    /// Nothing billed yet, at the prices and memory of `scenario`'s function.
    pub fn new(scenario: &Scenario) -> Self {
        Billing {
            prices: CostModel::new(&scenario.pricing, scenario.function.architecture),
            memory_mb: scenario.function.memory as u64,
            requests: 0,
            billed_mb_ms: 0,
            epu: (scenario.esm.mode() == Mode::Provisioned)
                .then(|| EpuBilling::new(scenario.pricing.pollers_per_epu)),
            bill_init: scenario
                .function
                .cold_start
                .as_ref()
                .is_none_or(|c| c.bill_init),
            provisioned: scenario
                .function
                .cold_start
                .as_ref()
                .filter(|c| c.provisioned_concurrency > 0)
                .map(|c| {
                    let prices = &scenario.pricing.provisioned_concurrency;
                    let price = match scenario.function.architecture {
                        Architecture::X86_64 => prices.x86_64,
                        Architecture::Arm64 => prices.arm64,
                    };
                    (c.provisioned_concurrency, price, 0)
                }),
        }
    }

    /// The mapping has `pollers` pollers from `now` on (EPUs are billed in provisioned
    /// mode only).
    pub fn pollers_changed(&mut self, now: SimTime, pollers: u32) {
        if let Some(epu) = &mut self.epu {
            epu.set_pollers(now, pollers);
        }
    }

    /// Bills an invocation as it starts (its duration is known then): one request and
    /// its duration rounded up to the millisecond (INIT included unless `bill_init` is
    /// false). A throttled invoke is not billed.
    pub fn bill(&mut self, invocation: &Invocation) {
        if !invocation.outcome.is_billed() {
            return;
        }
        self.requests += 1;
        let duration = if self.bill_init {
            invocation.duration
        } else {
            SimDuration(invocation.duration.0 - invocation.init.0)
        };
        let mb_ms = duration.as_millis_ceil() as u128 * self.memory_mb as u128;
        match &mut self.provisioned {
            Some((_, _, pc_mb_ms)) if invocation.environment == Environment::Provisioned => {
                *pc_mb_ms += mb_ms;
            }
            _ => self.billed_mb_ms += mb_ms,
        }
    }

    /// MB·ms billed so far.
    pub fn billed_mb_ms(&self) -> u128 {
        self.billed_mb_ms
    }

    /// The cost of everything billed up to `now` (EPUs still provisioned count as if
    /// released at `now`).
    pub fn cost(&self, now: SimTime) -> CostBreakdown {
        let (epu, epu_s) = self
            .epu
            .as_ref()
            .map_or((0, 0), |e| (e.units(), e.billed_seconds(now)));
        let mut cost = self
            .prices
            .cost(self.requests, self.billed_mb_ms, epu, epu_s);
        if let Some((environments, price, pc_mb_ms)) = self.provisioned {
            let gb = self.memory_mb as f64 / 1024.0;
            let step = SimDuration::from_secs(PC_BILLING_GRANULARITY_S).0;
            let held_s = (now.0.div_ceil(step) * PC_BILLING_GRANULARITY_S) as f64;
            let pc_usd = f64::from(environments) * gb * held_s * price.usd_per_gb_s;
            let pc_gb_s = pc_mb_ms as f64 / 1024.0 / 1000.0;
            let on_pc_usd = pc_gb_s * price.duration_usd_per_gb_s;
            cost.gb_s += pc_gb_s;
            cost.duration_usd += on_pc_usd;
            cost.provisioned_concurrency_usd = pc_usd;
            cost.total_usd += on_pc_usd + pc_usd;
        }
        cost
    }
}

/// The Event Poller Units of a provisioned mapping, billed per second with a one-minute
/// minimum per provisioning of a unit (see the module documentation).
#[derive(Clone, Debug)]
pub struct EpuBilling {
    pollers_per_epu: u32,
    /// When each unit now provisioned was provisioned, unit 1 first.
    open: Vec<SimTime>,
    /// Billed seconds of the provisionings that ended.
    closed_s: u64,
}

impl EpuBilling {
    /// No unit yet, at `pollers_per_epu` pollers per unit.
    pub fn new(pollers_per_epu: u32) -> Self {
        EpuBilling {
            pollers_per_epu,
            open: Vec::new(),
            closed_s: 0,
        }
    }

    /// The mapping has `pollers` pollers from `now` on: units are provisioned or released
    /// (the highest first) to hold them.
    pub fn set_pollers(&mut self, now: SimTime, pollers: u32) {
        let units = pollers.div_ceil(self.pollers_per_epu) as usize;
        while self.open.len() > units {
            let since = self.open.pop().expect("more open units than wanted");
            self.closed_s += billed(since, now);
        }
        self.open.resize(units.max(self.open.len()), now);
    }

    /// Units provisioned now.
    pub fn units(&self) -> u32 {
        self.open.len() as u32
    }

    /// EPU-seconds billed up to `now`.
    pub fn billed_seconds(&self, now: SimTime) -> u64 {
        self.closed_s
            + self
                .open
                .iter()
                .map(|&since| billed(since, now))
                .sum::<u64>()
    }
}

/// Billed seconds of one provisioning of a unit from `since` to `until`.
fn billed(since: SimTime, until: SimTime) -> u64 {
    let held = until.saturating_since(since);
    held.0
        .div_ceil(SimDuration::from_secs(1).0)
        .max(EPU_MINIMUM_BILLED_S)
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
    /// Event Poller Units provisioned at the time of the cost (0 in on-demand mode).
    pub epu: u32,
    /// EPU-hours billed.
    pub epu_hours: f64,
    /// EPU charges.
    pub epu_usd: f64,
    /// Provisioned-concurrency charges (the environments kept ready, not their
    /// invocations, which are in `duration_usd`).
    pub provisioned_concurrency_usd: f64,
    /// Requests plus duration plus EPUs plus provisioned concurrency.
    pub total_usd: f64,
}

/// Prices for one function.
#[derive(Clone, Debug)]
pub struct CostModel {
    request_per_million: f64,
    tiers: Vec<PriceTier>,
    month_to_date_gb_s: f64,
    epu_hour_usd: f64,
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
            epu_hour_usd: pricing.epu_hour_usd,
        }
    }

    /// Cost of `invocations` requests that were billed `mb_ms` MB·ms in total, with
    /// `epu` units provisioned now and `epu_s` EPU-seconds billed.
    pub fn cost(&self, invocations: u64, mb_ms: u128, epu: u32, epu_s: u64) -> CostBreakdown {
        let gb_s = mb_ms as f64 / 1024.0 / 1000.0;
        let requests_usd = invocations as f64 * self.request_per_million / 1e6;
        let duration_usd =
            self.tiered(self.month_to_date_gb_s + gb_s) - self.tiered(self.month_to_date_gb_s);
        let epu_usd = epu_s as f64 * self.epu_hour_usd / 3600.0;
        CostBreakdown {
            gb_s,
            requests_usd,
            duration_usd,
            epu,
            epu_hours: epu_s as f64 / 3600.0,
            epu_usd,
            provisioned_concurrency_usd: 0.0,
            total_usd: requests_usd + duration_usd + epu_usd,
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
        let one = x86.cost(1, 1024 * 100, 0, 0);
        assert!((one.gb_s - 0.1).abs() < 1e-15);
        assert!((one.duration_usd - 1.66667e-6).abs() < 1e-18);
        assert!((one.requests_usd - 2e-7).abs() < 1e-20);
        let arm = CostModel::new(&pricing(), Architecture::Arm64);
        assert!((arm.cost(1, 1024 * 100, 0, 0).duration_usd - 1.33334e-6).abs() < 1e-18);
    }

    #[test]
    fn tiers_apply_to_the_month_to_date() {
        let mut p = pricing();
        p.month_to_date_gb_s = 6e9 - 50.0;
        let cost = CostModel::new(&p, Architecture::X86_64).cost(0, 100 * 1024 * 1000, 0, 0);
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
        let cost = billing.cost(SimTime::ZERO);
        assert_eq!(cost.gb_s, 1.45);
        assert!((cost.requests_usd - 4.0 * 0.2e-6).abs() < 1e-18);
    }

    fn at(seconds_ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(seconds_ms)
    }

    #[test]
    fn epus_are_billed_per_second_with_a_one_minute_minimum_per_unit() {
        let mut epu = EpuBilling::new(10);
        // 1 poller: 1 unit from t = 0. After 30 s the minute is billed; at 90.2 s, 91 s.
        epu.set_pollers(at(0), 1);
        assert_eq!((epu.units(), epu.billed_seconds(at(30_000))), (1, 60));
        assert_eq!(epu.billed_seconds(at(90_200)), 91);
        // 11 pollers at 100 s: a second unit; back to 10 at 120 s: it held 20 s, billed
        // 60. Unit 1 runs on: at 200 s, 200 + 60 = 260 EPU-seconds.
        epu.set_pollers(at(100_000), 11);
        assert_eq!(epu.units(), 2);
        epu.set_pollers(at(120_000), 10);
        assert_eq!(epu.units(), 1);
        assert_eq!(epu.billed_seconds(at(200_000)), 260);
        // Out to 25 pollers (3 units) at 200 s for 100.5 s, then down to 1: units 2 and
        // 3 are billed 101 s each. At 400 s: 400 + 60 + 2 × 101 = 662.
        epu.set_pollers(at(200_000), 25);
        assert_eq!(epu.units(), 3);
        epu.set_pollers(at(300_500), 1);
        assert_eq!(epu.billed_seconds(at(400_000)), 662);
        // Changes within one unit (1 to 9 pollers) provision nothing new.
        epu.set_pollers(at(400_000), 9);
        assert_eq!((epu.units(), epu.billed_seconds(at(400_000))), (1, 662));
    }

    #[test]
    fn density_sets_the_units_and_the_price_the_cost() {
        // 25 pollers: ceil(25 / 10) = 3 units at the default density, ceil(25 / 20) = 2
        // at 20 per unit; held one hour, 3 × $0.185 = $0.555 and 2 × $0.185 = $0.37.
        let hour = at(3_600_000);
        let prices = CostModel::new(&pricing(), Architecture::X86_64);
        for (density, units, usd) in [(10, 3, 0.555), (20, 2, 0.37), (25, 1, 0.185)] {
            let mut epu = EpuBilling::new(density);
            epu.set_pollers(at(0), 25);
            assert_eq!(epu.units(), units);
            let cost = prices.cost(0, 0, epu.units(), epu.billed_seconds(hour));
            assert_eq!(cost.epu_hours, f64::from(units));
            assert!((cost.epu_usd - usd).abs() < 1e-12, "{}", cost.epu_usd);
            assert_eq!(cost.total_usd, cost.epu_usd);
        }
        // The price is configurable: 90 s of one unit at $0.36 per EPU-hour = $0.009.
        let mut p = pricing();
        p.epu_hour_usd = 0.36;
        let cost = CostModel::new(&p, Architecture::X86_64).cost(0, 0, 1, 90);
        assert!((cost.epu_usd - 0.009).abs() < 1e-15);
    }
}
