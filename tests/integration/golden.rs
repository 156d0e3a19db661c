//! Golden outputs: the bundled quick-start scenario, shortened, must produce exactly the
//! committed files. Any change to the model or the exporters shows up here as a diff;
//! accept an intended change with `cargo insta review` (or `INSTA_UPDATE=always`).

use std::path::Path;

use esmsim::output;
use esmsim::scenario::load::load;

#[test]
fn quickstart_outputs_are_unchanged() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.yaml");
    let scenario = load(
        &path,
        &[
            "duration=12m".to_string(),
            "sample_interval=30s".to_string(),
        ],
    )
    .expect("resolves");
    let result = crate::common::run_checked(&scenario);
    for file in output::render(&scenario, &result) {
        let text = String::from_utf8(file.bytes).expect("outputs are UTF-8");
        insta::assert_snapshot!(file.name.clone(), text);
    }
}
