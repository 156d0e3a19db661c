//! `esmsim schema`: print the JSON Schema of the scenario or sweep file format, generated
//! from the raw config types, for editors with a YAML language server.

use clap::{Args, ValueEnum};

/// Which file format.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// A scenario file.
    Scenario,
    /// A sweep file.
    Sweep,
}

/// Arguments of `esmsim schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The format whose schema to print.
    #[arg(value_enum, default_value = "scenario")]
    pub format: Format,
}

/// The schema of `format` as pretty JSON with a final line break.
pub fn schema_text(format: Format) -> Vec<u8> {
    let (mut schema, title) = match format {
        Format::Scenario => (crate::scenario::raw::json_schema(), "esmsim scenario"),
        Format::Sweep => (crate::sweep::spec::json_schema(), "esmsim sweep"),
    };
    schema.insert("title".into(), title.into());
    crate::output::json::pretty(&schema)
}

/// Prints the schema on standard output.
///
/// # Errors
///
/// Standard output cannot be written.
pub fn command(args: &SchemaArgs) -> anyhow::Result<()> {
    use std::io::Write;
    std::io::stdout().write_all(&schema_text(args.format))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn validator(format: Format) -> jsonschema::Validator {
        let schema: serde_json::Value = serde_json::from_slice(&schema_text(format)).unwrap();
        jsonschema::validator_for(&schema).expect("a valid JSON Schema")
    }

    fn yaml(text: &str) -> serde_json::Value {
        serde_saphyr::from_str(text).expect("valid YAML")
    }

    /// Every bundled scenario and sweep file, with the format it is in.
    fn bundled() -> Vec<(std::path::PathBuf, Format)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut out = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    let sweep = path.parent().is_some_and(|p| p.ends_with("sweeps"));
                    out.push((
                        path,
                        if sweep {
                            Format::Sweep
                        } else {
                            Format::Scenario
                        },
                    ));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The committed copies in `docs/schema/` are what the command prints. After a change
    /// to the formats, regenerate them with `ESMSIM_UPDATE_FIXTURES=1 cargo test --lib
    /// cli::schema`.
    #[test]
    fn the_committed_schemas_are_current() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema");
        for (format, file) in [
            (Format::Scenario, "scenario.schema.json"),
            (Format::Sweep, "sweep.schema.json"),
        ] {
            let path = folder.join(file);
            if std::env::var_os("ESMSIM_UPDATE_FIXTURES").is_some() {
                std::fs::write(&path, schema_text(format)).unwrap();
            }
            let saved = std::fs::read(&path).unwrap_or_default();
            assert!(
                saved == schema_text(format),
                "docs/schema/{file} is stale; regenerate it with ESMSIM_UPDATE_FIXTURES=1 cargo test --lib cli::schema"
            );
        }
    }

    #[test]
    fn every_bundled_file_validates_against_its_schema() {
        let (scenario, sweep) = (validator(Format::Scenario), validator(Format::Sweep));
        let files = bundled();
        assert!(files.len() >= 15, "{files:?}");
        for (path, format) in files {
            let value = yaml(&std::fs::read_to_string(&path).unwrap());
            let v = match format {
                Format::Scenario => &scenario,
                Format::Sweep => &sweep,
            };
            let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }

    #[test]
    fn the_schema_catches_what_check_refuses() {
        let v = validator(Format::Scenario);
        let scenario = |rate: &str, extra: &str| {
            yaml(&format!(
                "name: x\nduration: 1h\ntopic: {{partitions: 3}}\nproducer: {{rate: [{rate}]}}\nfunction: {{memory: 1024}}\n{extra}\n"
            ))
        };
        assert!(v.is_valid(&scenario("{constant: 5}", "")));
        assert!(!v.is_valid(&scenario("{wave: 5}", "")));
        assert!(v.is_valid(&scenario(
            "{constant: 5}",
            "plan: {vary: {topic.partitions: 2..4, function.memory: [512, 1024]}, seeds: 2}"
        )));
        for bad in [
            "typo_field: 1",
            "esm: {batch_size: many}",
            "esm: {scaler: {policy: aws, pollers: 3}}",
            "esm: {poller: {max_concurrent_invokes: lots}}",
            "plan: {vary: {}}",
            "plan: {vary: {topic.partitions: []}}",
            "plan: {vary: {topic.partitions: 2..4}, sweep: 1}",
        ] {
            assert!(
                !v.is_valid(&scenario("{constant: 5}", bad)),
                "accepted: {bad}"
            );
        }
        let sweep = validator(Format::Sweep);
        assert!(sweep.is_valid(&yaml(
            "name: s\nbase: a.yaml\ngrid: {topic.partitions: [6, 12]}\n"
        )));
        assert!(!sweep.is_valid(&yaml("name: s\nbase: a.yaml\ngird: {}\n")));
    }
}
