//! `producer.record_size` in its map forms: `{fixed: s}`, `{lognormal: {median, p99}}`,
//! `{mean: m, max: x}` and `{histogram: [[size, share], ...]}`. Resolution and the
//! `explain` inverse (the scalar form, a plain size, is resolved in the parent module).

use super::{RawBin, RawLognormal, RawRecordSize, RawRecordSizeTagged, RecordSize};
use crate::scenario::locate::FieldPath;
use crate::scenario::raw::ScalarOr;
use crate::scenario::resolve::{Context, MAX_PAYLOAD, Result};
use crate::scenario::units::SizeValue;

/// How far the shares of a histogram may add up from 1 (the model rescales them to 1).
pub const SHARE_TOLERANCE: f64 = 1e-3;
/// Most bins a histogram may have.
pub const MAX_BINS: usize = 1000;

/// What the map forms are, for errors.
const FORMS: &str = "exactly one of `fixed`, `lognormal`, `mean` with `max`, `histogram`";

/// Resolves a map form at `p_size` (`producer.record_size`).
pub(crate) fn resolve(
    t: &RawRecordSizeTagged,
    p_size: &FieldPath,
    cx: &Context<'_>,
) -> Result<RecordSize> {
    let forms = [
        t.fixed.is_some(),
        t.lognormal.is_some(),
        t.mean.is_some() || t.max.is_some(),
        t.histogram.is_some(),
    ];
    if forms.iter().filter(|&&f| f).count() != 1 {
        let given: Vec<&str> = [
            (t.fixed.is_some(), "fixed"),
            (t.lognormal.is_some(), "lognormal"),
            (t.mean.is_some(), "mean"),
            (t.max.is_some(), "max"),
            (t.histogram.is_some(), "histogram"),
        ]
        .iter()
        .filter_map(|&(g, k)| g.then_some(k))
        .collect();
        let value = if given.is_empty() {
            "an empty map".to_string()
        } else {
            format!("`{}` together", given.join("`, `"))
        };
        return Err(cx.invalid(p_size, value, FORMS));
    }
    if let Some(s) = &t.fixed {
        return Ok(RecordSize::Fixed(cx.check_size(
            &p_size.key("fixed"),
            s,
            1,
            MAX_PAYLOAD,
        )?));
    }
    if let Some(RawLognormal { median, p99 }) = &t.lognormal {
        let base = p_size.key("lognormal");
        let median_b = cx.check_size(&base.key("median"), median, 1, MAX_PAYLOAD)?;
        let p99_b = cx.check_size(&base.key("p99"), p99, 1, MAX_PAYLOAD)?;
        if p99_b <= median_b {
            return Err(cx.invalid(
                &base.key("p99"),
                format!("`{p99}` ({p99_b} bytes)"),
                format!("greater than `median` (`{median}`, {median_b} bytes)"),
            ));
        }
        return Ok(RecordSize::Lognormal {
            median: median_b,
            p99: p99_b,
        });
    }
    if let Some(bins) = &t.histogram {
        return resolve_histogram(bins, &p_size.key("histogram"), cx);
    }
    let (Some(mean), Some(max)) = (&t.mean, &t.max) else {
        let missing = if t.mean.is_none() { "mean" } else { "max" };
        return Err(cx.missing(
            &p_size.key(missing),
            "`mean` and `max` together, e.g. `{mean: 2KiB, max: 40KiB}`",
        ));
    };
    let mean_b = cx.check_size(&p_size.key("mean"), mean, 1, MAX_PAYLOAD)?;
    let max_b = cx.check_size(&p_size.key("max"), max, 1, MAX_PAYLOAD)?;
    if max_b <= mean_b {
        return Err(cx.invalid(
            &p_size.key("max"),
            format!("`{max}` ({max_b} bytes)"),
            format!(
                "greater than `mean` (`{mean}`, {mean_b} bytes); for records all of one size write the size"
            ),
        ));
    }
    Ok(RecordSize::MeanMax {
        mean: mean_b,
        max: max_b,
    })
}

fn resolve_histogram(bins: &[RawBin], base: &FieldPath, cx: &Context<'_>) -> Result<RecordSize> {
    if bins.is_empty() || bins.len() > MAX_BINS {
        return Err(cx.invalid(
            base,
            format!("a list of {} bins", bins.len()),
            format!("1 to {MAX_BINS} `[size, share]` pairs"),
        ));
    }
    let mut out: Vec<(u64, f64)> = Vec::with_capacity(bins.len());
    for (i, RawBin(size, share)) in bins.iter().enumerate() {
        let p = base.index(i);
        let bytes = cx.check_size(&p, size, 1, MAX_PAYLOAD)?;
        if let Some(j) = out.iter().position(|b| b.0 == bytes) {
            return Err(cx.invalid(
                &p,
                format!("`{size}` ({bytes} bytes)"),
                format!("a size no other bin has (`{}[{j}]` has it)", base),
            ));
        }
        let share = cx.check_float(
            &p,
            *share,
            |x| (0.0..=1.0).contains(&x),
            "a share from 0 to 1",
        )?;
        out.push((bytes, share));
    }
    let total: f64 = out.iter().map(|b| b.1).sum();
    if (total - 1.0).abs() > SHARE_TOLERANCE {
        return Err(cx.invalid(
            base,
            format!("shares that add up to {total}"),
            format!("shares that add up to 1 (within {SHARE_TOLERANCE})"),
        ));
    }
    Ok(RecordSize::Histogram(out))
}

/// The `explain` inverse of a record size.
pub(crate) fn to_raw(size: &RecordSize) -> RawRecordSize {
    let tagged = |t: RawRecordSizeTagged| ScalarOr::Tagged(t);
    match size {
        RecordSize::Fixed(b) => ScalarOr::Scalar(SizeValue::new(*b)),
        RecordSize::Lognormal { median, p99 } => tagged(RawRecordSizeTagged {
            lognormal: Some(RawLognormal {
                median: SizeValue::new(*median),
                p99: SizeValue::new(*p99),
            }),
            ..Default::default()
        }),
        RecordSize::MeanMax { mean, max } => tagged(RawRecordSizeTagged {
            mean: Some(SizeValue::new(*mean)),
            max: Some(SizeValue::new(*max)),
            ..Default::default()
        }),
        RecordSize::Histogram(bins) => tagged(RawRecordSizeTagged {
            histogram: Some(
                bins.iter()
                    .map(|&(b, w)| RawBin(SizeValue::new(b), w))
                    .collect(),
            ),
            ..Default::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::{RecordSize, ScenarioError, from_yaml_str, to_yaml};

    fn size(form: &str) -> Result<RecordSize, ScenarioError> {
        let text = format!(
            "name: sizes\nduration: 1m\ntopic: {{partitions: 1}}\nproducer:\n  record_size: {form}\n  rate: [{{constant: 1}}]\nfunction: {{duration: {{per_record: 1ms}}}}\n"
        );
        let s = from_yaml_str(&text, Path::new("."), &[])?;
        let back = from_yaml_str(&to_yaml(&s), Path::new("."), &[]).unwrap();
        assert_eq!(back, s, "explain round trip");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            from_yaml_str(&json, Path::new("."), &[]).unwrap(),
            s,
            "{json}"
        );
        Ok(s.producer.record_size)
    }

    fn err(form: &str) -> String {
        size(form).unwrap_err().to_string()
    }

    #[test]
    fn mean_max_and_histogram_resolve_and_read_back() {
        assert_eq!(
            size("{mean: 2KiB, max: 40KiB}").unwrap(),
            RecordSize::MeanMax {
                mean: 2048,
                max: 40_960
            }
        );
        assert_eq!(
            size("{histogram: [[1KiB, 0.7], [4KiB, 0.25], [40KiB, 0.05]]}").unwrap(),
            RecordSize::Histogram(vec![(1024, 0.7), (4096, 0.25), (40_960, 0.05)])
        );
        assert_eq!(size("{fixed: 2KiB}").unwrap(), RecordSize::Fixed(2048));
    }

    #[test]
    fn size_forms_explain_what_is_wrong() {
        let e = err("{mean: 2KiB}");
        assert!(
            e.contains("producer.record_size.max") && e.contains("together"),
            "{e}"
        );
        let e = err("{mean: 40KiB, max: 2KiB}");
        assert!(e.contains("greater than `mean`"), "{e}");
        let e = err("{mean: 2KiB, max: 40KiB, fixed: 1KiB}");
        assert!(e.contains("exactly one of"), "{e}");
        let e = err("{histogram: [[1KiB, 0.7], [4KiB, 0.2]]}");
        assert!(
            e.contains("add up to 0.8999") && e.contains("within 0.001"),
            "{e}"
        );
        let e = err("{histogram: [[1KiB, 0.5], [1024, 0.5]]}");
        assert!(
            e.contains("histogram[1]") && e.contains("no other bin"),
            "{e}"
        );
        let e = err("{histogram: [[1KiB, 1.5]]}");
        assert!(e.contains("a share from 0 to 1"), "{e}");
        let e = err("{histogram: []}");
        assert!(e.contains("1 to 1000"), "{e}");
        let e = err("{mean: 2KiB, max: 7MiB}");
        assert!(e.contains("6MiB"), "{e}");
    }
}
