//! Turns uploaded bytes into the variants Shutter stores. The type is sniffed from the
//! bytes (never the name or Content-Type); dimensions are checked before decoding, so a
//! decompression bomb costs nothing; EXIF orientation is applied, and re-encoding to JPEG
//! drops every piece of metadata (GPS included) and anything appended to the file.
//! CPU-bound: call it from `spawn_blocking`.

use crate::error::AppError;
use fast_image_resize::{
    PixelType, ResizeAlg, ResizeOptions, Resizer,
    images::{Image, ImageRef},
};
use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage, codecs::jpeg::JpegEncoder,
};
use std::io::Cursor;

/// Largest accepted upload, per image.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Largest accepted image, in pixels (width × height).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side of the full-size variant.
pub const FULL_SIZE: u32 = 1440;
/// Longest side of the thumbnail (grids).
pub const THUMB_SIZE: u32 = 320;
/// Longest sides of the sizes between them, for `srcset`: a phone's or a desktop's photo
/// slot (600 CSS px, or the screen's width on a phone) at its pixel density.
pub const MEDIUM_SIZE: u32 = 640;
pub const LARGE_SIZE: u32 = 1080;
/// The middle sizes, smallest first (the store names them: `store::Variant::MIDDLE`).
pub const MIDDLE_SIZES: [u32; 2] = [MEDIUM_SIZE, LARGE_SIZE];
const JPEG_QUALITY: u8 = 82;

/// What to make of an upload: a post photo keeps its proportions; an avatar is cropped to
/// a centred square.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Photo,
    Avatar,
}

/// One size of a processed image, encoded as JPEG.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone)]
pub struct Processed {
    pub full: Encoded,
    pub thumb: Encoded,
    /// The middle sizes of a photo (`middle_sizes`), each by its longest side (one of
    /// `MIDDLE_SIZES`); none for an avatar.
    pub middle: Vec<(u32, Encoded)>,
}

/// `width` × `height` scaled so the longer side is at most `max`, never enlarged: the one
/// rule for the dimensions of every variant, used both to make them and, from the stored
/// full-size dimensions, to write their widths into `srcset` without opening a file.
pub fn fit_size(width: u32, height: u32, max: u32) -> (u32, u32) {
    if width.max(height) <= max {
        return (width, height);
    }
    let scale = f64::from(max) / f64::from(width.max(height));
    let scaled = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
    (scaled(width), scaled(height))
}

/// The middle sizes made of a photo whose full-size variant is `full` (width, height),
/// smallest first: each as its longest side (one of `MIDDLE_SIZES`) and its dimensions,
/// and only if it is smaller than the full-size variant (a photo of at most 640 px has
/// none).
pub fn middle_sizes(full: (u32, u32)) -> Vec<(u32, (u32, u32))> {
    MIDDLE_SIZES
        .into_iter()
        .filter(|&side| full.0.max(full.1) > side)
        .map(|side| (side, fit_size(full.0, full.1, side)))
        .collect()
}

fn refuse(message: &str) -> AppError {
    AppError::UnsupportedMedia(message.to_owned())
}

/// JPEG, PNG, WebP or GIF, judged by the first bytes.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, AppError> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif)) => {
            Ok(format)
        }
        _ => Err(refuse("This file is not a JPEG, PNG, WebP or GIF image.")),
    }
}

pub fn process(bytes: &[u8], shape: Shape) -> Result<Processed, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(AppError::PayloadTooLarge(format!(
            "An image can be at most {} MB.",
            MAX_BYTES / (1024 * 1024)
        )));
    }
    let image = decode(bytes)?;
    let image = flatten_on_white(image);
    let (full, thumb, middle) = match shape {
        Shape::Photo => {
            // The smaller sizes come from the full-size variant: the same look, a fraction
            // of the work.
            let full = fit(&image, FULL_SIZE)?;
            let thumb = fit(&full, THUMB_SIZE)?;
            let middle = make_middle_sizes(&full)?;
            (full, thumb, middle)
        }
        Shape::Avatar => {
            let side = image.width().min(image.height());
            let square = crop_square(&image, side.min(FULL_SIZE / 2))?;
            (square.clone(), fit(&square, THUMB_SIZE / 2)?, Vec::new())
        }
    };
    Ok(Processed { full: encode(full)?, thumb: encode(thumb)?, middle })
}

/// The middle sizes of a stored full-size photo (a JPEG Shutter wrote), for photos
/// uploaded before they existed (`server backfill-photos`).
pub fn middle_sizes_of_full(full_jpeg: &[u8]) -> Result<Vec<(u32, Encoded)>, AppError> {
    let full = flatten_on_white(decode(full_jpeg)?);
    make_middle_sizes(&full)
}

fn make_middle_sizes(full: &RgbImage) -> Result<Vec<(u32, Encoded)>, AppError> {
    middle_sizes(full.dimensions())
        .into_iter()
        .map(|(side, _)| Ok((side, encode(fit(full, side)?)?)))
        .collect()
}

/// A JPEG whose scan data stops before the end-of-image marker was cut short; the
/// decoder would otherwise fill the missing part with grey. (Inside scan data 0xFF is
/// always escaped, so the first FF D9 after the first scan is the real end.)
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(scan) = bytes.windows(2).position(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[scan..].windows(2).any(|w| w == [0xFF, 0xD9])
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, AppError> {
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(refuse("This image is damaged or incomplete."));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| refuse("This image is damaged or incomplete."))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(AppError::PayloadTooLarge(format!(
            "This image is {width} × {height} pixels; at most {} megapixels are accepted.",
            MAX_PIXELS / 1_000_000
        )));
    }
    if width == 0 || height == 0 {
        return Err(refuse("This image is empty."));
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => {
            AppError::PayloadTooLarge("This image is too large to process.".into())
        }
        _ => refuse("This image is damaged or incomplete."),
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// JPEG has no transparency: composite any alpha over white.
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (src, dst) in rgba.pixels().zip(rgb.pixels_mut()) {
        let a = u16::from(src[3]);
        for c in 0..3 {
            dst[c] = ((u16::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    rgb
}

/// Scales down so the longer side is at most `max` (never up).
fn fit(image: &RgbImage, max: u32) -> Result<RgbImage, AppError> {
    let (w, h) = image.dimensions();
    let (nw, nh) = fit_size(w, h, max);
    if (nw, nh) == (w, h) {
        return Ok(image.clone());
    }
    resize(image, nw, nh, None)
}

/// The centred square of the image, scaled to `side` × `side`.
fn crop_square(image: &RgbImage, side: u32) -> Result<RgbImage, AppError> {
    let (w, h) = image.dimensions();
    let s = w.min(h);
    let crop = (f64::from(w - s) / 2.0, f64::from(h - s) / 2.0, f64::from(s), f64::from(s));
    resize(image, side, side, Some(crop))
}

fn resize(
    image: &RgbImage,
    width: u32,
    height: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Result<RgbImage, AppError> {
    // Borrow the decoded pixels: a copy of a 50-megapixel image would cost 150 MB.
    let source = ImageRef::new(image.width(), image.height(), image.as_raw(), PixelType::U8x3)
        .map_err(|e| AppError::internal("resize failed", e))?;
    let mut target = Image::new(width, height, PixelType::U8x3);
    let mut options =
        ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3));
    if let Some((left, top, w, h)) = crop {
        options = options.crop(left, top, w, h);
    }
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| AppError::internal("resize failed", e))?;
    RgbImage::from_raw(width, height, target.into_vec())
        .ok_or_else(|| AppError::internal("resize failed", "the buffer has the wrong size"))
}

fn encode(image: RgbImage) -> Result<Encoded, AppError> {
    let (width, height) = image.dimensions();
    let mut jpeg = Vec::with_capacity((width * height / 4) as usize);
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(&image)
        .map_err(|e| AppError::internal("JPEG encoding failed", e))?;
    Ok(Encoded { jpeg, width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 0])))
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn photos_keep_proportions_and_are_bounded() {
        let out = process(&png(2000, 1000), Shape::Photo).unwrap();
        assert_eq!((out.full.width, out.full.height), (1440, 720));
        assert_eq!((out.thumb.width, out.thumb.height), (320, 160));
        assert_eq!(image::guess_format(&out.full.jpeg).unwrap(), ImageFormat::Jpeg);
        let middle: Vec<(u32, u32, u32)> = out.middle.iter().map(|(s, e)| (*s, e.width, e.height)).collect();
        assert_eq!(middle, [(640, 640, 320), (1080, 1080, 540)]);
    }

    #[test]
    fn small_images_are_not_enlarged() {
        let out = process(&png(100, 50), Shape::Photo).unwrap();
        assert_eq!((out.full.width, out.full.height), (100, 50));
        assert!(out.middle.is_empty(), "no middle size of a 100 px photo");
    }

    /// The widths `srcset` announces are computed from the stored full-size dimensions
    /// by `middle_sizes`; they must be the files' real ones, whatever the proportions.
    #[test]
    fn middle_sizes_are_made_at_the_dimensions_announced() {
        for (w, h) in
            [(2000, 1000), (1080, 1350), (1440, 960), (1200, 800), (999, 1001), (3, 2000), (1000, 700)]
        {
            let out = process(&png(w, h), Shape::Photo).unwrap();
            let made: Vec<(u32, (u32, u32))> =
                out.middle.iter().map(|(s, e)| (*s, (e.width, e.height))).collect();
            assert_eq!(made, middle_sizes((out.full.width, out.full.height)), "{w} × {h}");
            for (side, encoded) in &out.middle {
                let decoded = image::load_from_memory(&encoded.jpeg).unwrap();
                assert_eq!((decoded.width(), decoded.height()), (encoded.width, encoded.height), "{w} × {h}");
                assert!(encoded.width.max(encoded.height) <= *side, "{w} × {h}");
            }
            let backfilled = middle_sizes_of_full(&out.full.jpeg).unwrap();
            let again: Vec<(u32, (u32, u32))> =
                backfilled.iter().map(|(s, e)| (*s, (e.width, e.height))).collect();
            assert_eq!(again, made, "{w} × {h}: made again from the stored full size");
        }
    }

    #[test]
    fn middle_sizes_are_640_and_1080_and_never_a_copy_of_the_full_size() {
        assert_eq!(middle_sizes((1440, 1080)), [(640, (640, 480)), (1080, (1080, 810))]);
        assert_eq!(middle_sizes((1080, 1350)), [(640, (512, 640)), (1080, (864, 1080))]);
        assert_eq!(middle_sizes((1080, 1080)), [(640, (640, 640))], "1080 px is the full size");
        assert_eq!(middle_sizes((641, 10)), [(640, (640, 10))]);
        assert_eq!(middle_sizes((640, 480)), []);
        assert_eq!(fit_size(3, 2000, 640), (1, 640), "never zero wide");
    }

    #[test]
    fn avatars_are_square() {
        let out = process(&png(900, 400), Shape::Avatar).unwrap();
        assert_eq!((out.full.width, out.full.height), (400, 400));
        assert_eq!((out.thumb.width, out.thumb.height), (160, 160));
        let large = process(&png(3000, 2000), Shape::Avatar).unwrap();
        assert!(large.middle.is_empty(), "avatars have no middle sizes");
    }

    #[test]
    fn transparent_pixels_become_white() {
        let out = process(&png(10, 10), Shape::Photo).unwrap();
        let decoded = image::load_from_memory(&out.full.jpeg).unwrap().into_rgb8();
        assert!(decoded.pixels().all(|p| p.0.iter().all(|&c| c > 245)), "flattened on white");
    }

    #[test]
    fn text_is_refused() {
        assert_eq!(process(b"hello, I am not an image", Shape::Photo).unwrap_err().status_code(), 415);
    }
}
