//! The colours of every chart, run and sweep alike.

use plotters::style::RGBColor;

// Okabe–Ito colours: distinguishable with colour-blindness, and of different lightness so
// that, together with dashes and widths, lines stay apart in greyscale.

/// Okabe–Ito blue.
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
/// Okabe–Ito orange.
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
/// Okabe–Ito bluish green.
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
/// Okabe–Ito vermillion.
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
/// Okabe–Ito reddish purple.
pub(crate) const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Text and neutral marks.
pub(crate) const INK: RGBColor = RGBColor(30, 30, 30);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);

/// Colours for an open-ended set of series (the sweep's lines), in the order they are
/// used: blue, orange, green, red, purple, brown, pink, grey.
pub(crate) const SERIES: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// The fill colour of an area: the line colour blended 60/40 with white, opaque so stacked
/// areas keep their colour and stay apart in greyscale.
pub(crate) fn tint(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (f64::from(v) * 0.6 + 255.0 * 0.4).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Light yellow to dark red as `t` goes from 0 to 1, for heatmaps.
pub(crate) fn heat(t: f64) -> RGBColor {
    let lerp = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(lerp(255, 189), lerp(247, 0), lerp(188, 38))
}
