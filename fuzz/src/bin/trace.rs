//! AFL++ target: `esmsim_fuzz::trace` on each input.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        esmsim_fuzz::trace(data);
    });
}
