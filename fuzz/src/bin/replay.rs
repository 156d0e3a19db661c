//! Runs files through a harness without AFL, to reproduce a crash or check a corpus:
//! `cargo run --bin replay -- scenario fuzz/out/scenario/default/crashes/id:*`.
fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_default();
    let harness: fn(&[u8]) = match target.as_str() {
        "scenario" => esmsim_fuzz::scenario,
        "sweep" => esmsim_fuzz::sweep,
        "trace" => esmsim_fuzz::trace,
        _ => {
            eprintln!("usage: replay scenario|sweep|trace FILE...");
            std::process::exit(2);
        }
    };
    for file in args {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
        harness(&bytes);
        println!("{file}: ok");
    }
}
