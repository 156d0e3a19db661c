//! AFL++ target: `esmsim_fuzz::sweep` on each input.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        esmsim_fuzz::sweep(data);
    });
}
