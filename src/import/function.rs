//! `aws lambda get-function-configuration` and `get-function-concurrency` → `function`.
//!
//! | AWS field | scenario field |
//! |---|---|
//! | `MemorySize` | `function.memory` |
//! | `Timeout` (s) | `function.timeout` |
//! | `Architectures[0]` | `function.architecture` |
//! | `Runtime` (+ `SnapStart.ApplyOn`) | `function.cold_start.init: {runtime: ...}` when esmsim has a preset |
//! | `ReservedConcurrentExecutions` | `function.concurrency.reserved` |

use super::aws::{self, Doc, Kind};
use super::{Draft, ImportError, Input, Section, seconds_text};

/// esmsim's cold-start preset for a Lambda runtime identifier, if it has one.
pub fn runtime_preset(runtime: &str, snap_start: bool) -> Option<&'static str> {
    let r = runtime.to_ascii_lowercase();
    if r.starts_with("python") {
        Some("python")
    } else if r.starts_with("nodejs") {
        Some("nodejs")
    } else if r.starts_with("java") {
        Some(if snap_start { "java_snapstart" } else { "java" })
    } else if r.starts_with("go") {
        Some("go")
    } else {
        None
    }
}

/// Reads the function configuration in `input` into `draft`'s `function` section.
pub(crate) fn read(input: &Input, draft: &mut Draft) -> Result<(), ImportError> {
    let mut doc = Doc {
        file: input.file.clone(),
        rest: aws::read(&input.file, &input.text, Kind::Function)?,
    };
    let name = doc.string("FunctionName")?;
    let runtime = doc.string("Runtime")?;
    draft.header(format!(
        "Function: {} ({}, {})",
        input.file,
        name.as_deref().unwrap_or("unnamed"),
        runtime
            .as_deref()
            .unwrap_or("container image or no runtime")
    ));
    if let Some(n) = &name {
        draft.name_hint(n);
    }
    if let Some(mb) = doc.int("MemorySize")? {
        draft.line(
            Section::Function,
            0,
            &format!("memory: {mb}"),
            "MemorySize (MB)",
        );
    }
    if let Some(s) = doc.int("Timeout")? {
        draft.line(
            Section::Function,
            0,
            &format!("timeout: {}", seconds_text(s)),
            "Timeout",
        );
    }
    let architectures = doc.strings("Architectures")?;
    if let Some(arch) = architectures.first() {
        let value = match arch.as_str() {
            "x86_64" | "arm64" => arch.as_str(),
            _ => {
                return Err(doc.invalid("Architectures", arch, "x86_64 or arm64"));
            }
        };
        draft.line(
            Section::Function,
            0,
            &format!("architecture: {value}"),
            "Architectures",
        );
    }
    if let Some(runtime) = &runtime {
        let snap_start = match doc.rest.get("SnapStart") {
            Some(s) if runtime.starts_with("java") => {
                let on = s.get("ApplyOn").and_then(|v| v.as_str()) == Some("PublishedVersions");
                doc.rest.remove("SnapStart");
                on
            }
            _ => false,
        };
        match runtime_preset(runtime, snap_start) {
            Some(preset) => {
                draft.line(Section::Function, 0, "cold_start:", "");
                draft.line(
                    Section::Function,
                    1,
                    &format!("init: {{runtime: {preset}}}"),
                    &format!(
                        "Runtime {runtime}{}: esmsim's INIT preset (docs/scenario.md)",
                        if snap_start { " with SnapStart" } else { "" }
                    ),
                );
            }
            None => draft.not_imported(vec![format!(
                "function: Runtime = \"{}\" (esmsim has no INIT preset for it: set function.cold_start.init)",
                aws::clip(runtime, 40)
            )]),
        }
    }
    draft.not_imported(doc.leftovers("function: "));
    Ok(())
}

/// Reads `get-function-concurrency` into `function.concurrency.reserved`.
pub(crate) fn concurrency(input: &Input, draft: &mut Draft) -> Result<(), ImportError> {
    let mut doc = Doc {
        file: input.file.clone(),
        rest: aws::read(&input.file, &input.text, Kind::Concurrency)?,
    };
    if let Some(n) = doc.int("ReservedConcurrentExecutions")? {
        draft.line(Section::Function, 0, "concurrency:", "");
        draft.line(
            Section::Function,
            1,
            &format!("reserved: {n}"),
            "ReservedConcurrentExecutions",
        );
    }
    draft.not_imported(doc.leftovers("concurrency: "));
    Ok(())
}
