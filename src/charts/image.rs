//! Encoding a drawing as SVG text or PNG bytes: the one place plotters' backends and the
//! PNG encoder are set up, for the run's charts and the sweep's.

use plotters::coord::Shift;
use plotters::prelude::*;

/// Result of drawing on backend `DB`.
pub(crate) type DrawResult<DB> =
    Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Something that draws itself on any plotters backend.
pub(crate) trait Drawing {
    /// Draws on `root`, which covers the whole image.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// An image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// RGB PNG.
    Png,
    /// SVG document.
    Svg,
}

impl Format {
    /// The file extension, without the dot.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Why an image could not be produced.
#[derive(Debug)]
pub(crate) enum ImageError {
    /// plotters failed while drawing; its message.
    Draw(String),
    /// The PNG encoder failed; its message.
    Encode(String),
}

/// `drawing` as an image of `size` pixels in `format`.
pub(crate) fn encode(
    format: Format,
    size: (u32, u32),
    drawing: &impl Drawing,
) -> Result<Vec<u8>, ImageError> {
    match format {
        Format::Png => png(size, drawing),
        Format::Svg => svg(size, drawing),
    }
}

/// `drawing` as an SVG document of `size` pixels.
fn svg(size: (u32, u32), drawing: &impl Drawing) -> Result<Vec<u8>, ImageError> {
    let draw_error = |e: &dyn std::fmt::Display| ImageError::Draw(e.to_string());
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        drawing.draw(&root).map_err(|e| draw_error(&e))?;
        root.present().map_err(|e| draw_error(&e))?;
    }
    Ok(text.into_bytes())
}

/// `drawing` as an RGB PNG of `size` pixels, compressed fast (the encoder's default).
fn png(size: (u32, u32), drawing: &impl Drawing) -> Result<Vec<u8>, ImageError> {
    let draw_error = |e: &dyn std::fmt::Display| ImageError::Draw(e.to_string());
    let (width, height) = size;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        drawing.draw(&root).map_err(|e| draw_error(&e))?;
        root.present().map_err(|e| draw_error(&e))?;
    }
    encode_png(&rgb, width, height).map_err(|e| ImageError::Encode(e.to_string()))
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(out)
}
