//! AFL++ target: `esmsim_fuzz::scenario` on each input.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        esmsim_fuzz::scenario(data);
    });
}
