//! File/Blob → stored photo: decode with the EXIF orientation applied, bring the long side down
//! to `MAX_SIDE`, burn in the watermark, encode as JPEG, hash the bytes, make a thumbnail.
//!
//! The heavy steps are the browser's asynchronous ones: `createImageBitmap` decodes (and, given
//! `resizeWidth`/`resizeHeight`, scales) off the main thread, `toBlob` encodes off it and
//! `crypto.subtle.digest` hashes off it. To ask for the scaled size in the decode itself, the
//! size is read from the file's header (JPEG SOF + EXIF orientation, PNG IHDR); other formats,
//! and browsers that ignore the resize options, fall back to drawing the full bitmap scaled.
//! Between steps the task yields to the event loop so the page keeps responding.

use crate::storage::photos::StoredPhoto;
use dudao_domain::photo::{fit_within, watermark, PhotoMeta, MAX_SIDE, THUMB_SIDE};
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions,
    ImageOrientation, ResizeQuality,
};

/// JPEG quality of the stored photo: small enough for 4G, sharp enough to read a notice.
const QUALITY: f64 = 0.82;
const THUMB_QUALITY: f64 = 0.7;
/// How much of the file to read for its size and orientation (EXIF sits in the first 64 KB,
/// but an ICC profile may come first).
const HEADER_BYTES: f64 = 256.0 * 1024.0;
const FONT_STACK: &str = r#""PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif"#;

/// Why a photo was not stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoError {
    /// Not an image, or a corrupt one.
    #[error("the file is not an image or is damaged: {0}")]
    Unreadable(String),
    /// The browser failed to scale, encode or hash it.
    #[error("processing the photo failed: {0}")]
    Failed(String),
}

impl PhotoError {
    pub fn user_message(&self, t: &crate::i18n::Strings) -> &'static str {
        match self {
            PhotoError::Unreadable(_) => t.err_photo_unreadable,
            PhotoError::Failed(_) => t.err_photo_failed,
        }
    }
}

fn failed(what: &str) -> impl Fn(JsValue) -> PhotoError + '_ {
    move |e| PhotoError::Failed(format!("{what}: {}", describe(&e)))
}

fn describe(e: &JsValue) -> String {
    if let Some(e) = e.dyn_ref::<js_sys::Error>() {
        return format!("{}: {}", String::from(e.name()), String::from(e.message()));
    }
    if let Some(e) = e.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// What the photo is evidence of, and what the watermark says.
#[derive(Debug, Clone)]
pub struct PhotoInput {
    /// Client-generated UUIDv7.
    pub id: String,
    pub visit_id: String,
    pub item_code: String,
    pub school: String,
    pub supervisor: String,
    /// Unix milliseconds.
    pub taken_at: i64,
}

/// Lets the browser paint and handle input before the next step.
pub async fn yield_now() {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = JsFuture::from(p).await;
}

fn window() -> Result<web_sys::Window, PhotoError> {
    web_sys::window().ok_or_else(|| PhotoError::Failed("no window".into()))
}

/// The size an image shows at (EXIF orientation applied), from its header; `None` when the
/// format is not one read here or the header does not say.
pub fn display_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
        let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
        return (w > 0 && h > 0).then_some((w, h));
    }
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    let mut orientation = 1;
    loop {
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if b.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *b.get(i + 1)?;
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            i += 2;
            continue;
        }
        if marker == 0xD9 || marker == 0xDA {
            return None;
        }
        let len = u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]) as usize;
        if len < 2 {
            return None;
        }
        let seg = b.get(i + 4..i + 2 + len)?;
        match marker {
            0xE1 if seg.starts_with(b"Exif\0\0") => {
                orientation = exif_orientation(&seg[6..]).unwrap_or(1);
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let h = u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]) as u32;
                let w = u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]) as u32;
                if w == 0 || h == 0 {
                    return None;
                }
                // 5–8 turn the picture a quarter: width and height swap.
                return Some(if (5..=8).contains(&orientation) {
                    (h, w)
                } else {
                    (w, h)
                });
            }
            _ => {}
        }
        i += 2 + len;
    }
}

/// The Orientation tag (0x0112) of IFD0 in a TIFF block.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let le = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |o: usize| {
        let s: [u8; 2] = tiff.get(o..o + 2)?.try_into().ok()?;
        Some(if le {
            u16::from_le_bytes(s)
        } else {
            u16::from_be_bytes(s)
        })
    };
    let u32_at = |o: usize| {
        let s: [u8; 4] = tiff.get(o..o + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    };
    let ifd = u32_at(4)? as usize;
    let n = u16_at(ifd)? as usize;
    (0..n)
        .map(|k| ifd + 2 + k * 12)
        .find(|&e| u16_at(e) == Some(0x0112))
        .and_then(|e| u16_at(e + 8))
}

async fn bytes_of(blob: &Blob) -> Result<Vec<u8>, JsValue> {
    let buf = JsFuture::from(blob.array_buffer()).await?;
    Ok(Uint8Array::new(&buf).to_vec())
}

async fn decode(blob: &Blob, resize: Option<(u32, u32)>) -> Result<ImageBitmap, JsValue> {
    let opts = ImageBitmapOptions::new();
    opts.set_image_orientation(ImageOrientation::FromImage);
    if let Some((w, h)) = resize {
        opts.set_resize_width(w);
        opts.set_resize_height(h);
        // "high" (Lanczos) costs Chromium a 50–80 ms main-thread task on a 12 MP photo;
        // "medium" measured none, and a 2.5× reduction looks the same.
        opts.set_resize_quality(ResizeQuality::Medium);
    }
    let p = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .create_image_bitmap_with_blob_and_image_bitmap_options(blob, &opts)?;
    Ok(JsFuture::from(p).await?.unchecked_into())
}

fn canvas(w: u32, h: u32) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), PhotoError> {
    let c: HtmlCanvasElement = window()?
        .document()
        .ok_or_else(|| PhotoError::Failed("no document".into()))?
        .create_element("canvas")
        .map_err(failed("canvas"))?
        .unchecked_into();
    c.set_width(w);
    c.set_height(h);
    let ctx: CanvasRenderingContext2d = c
        .get_context("2d")
        .map_err(failed("canvas context"))?
        .ok_or_else(|| PhotoError::Failed("no 2d context".into()))?
        .unchecked_into();
    let _ = js_sys::Reflect::set(&ctx, &"imageSmoothingQuality".into(), &"high".into());
    Ok((c, ctx))
}

async fn jpeg(c: &HtmlCanvasElement, quality: f64) -> Result<Blob, PhotoError> {
    let c2 = c.clone();
    let p = Promise::new(&mut |resolve, reject| {
        let cb = Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        if let Err(e) = c2.to_blob_with_type_and_encoder_options(
            cb.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(quality),
        ) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    JsFuture::from(p)
        .await
        .map_err(failed("toBlob"))?
        .dyn_into::<Blob>()
        .map_err(|_| PhotoError::Failed("toBlob gave no image (canvas too large?)".into()))
}

/// Lower-case hex SHA-256 of `bytes`: by the browser's `crypto.subtle` (native, off the main
/// thread) where the page is a secure context, and in Rust otherwise — an office server reached
/// over plain http on the county LAN must not make every photo fail.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, PhotoError> {
    let subtle = window()?.crypto().map_err(failed("crypto"))?.subtle();
    if JsValue::from(subtle.clone()).is_undefined() {
        return Ok(sha256_hex_in_rust(bytes));
    }
    let p = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(failed("digest"))?;
    let buf = JsFuture::from(p).await.map_err(failed("digest"))?;
    Ok(hex(&Uint8Array::new(&buf).to_vec()))
}

/// The same digest computed in Rust, for pages that are not a secure context.
pub fn sha256_hex_in_rust(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Burns `text` into the bottom of the picture: white on a semi-transparent dark band, sized
/// to the picture's width and shrunk until it fits.
fn draw_watermark(ctx: &CanvasRenderingContext2d, w: u32, h: u32, text: &str) {
    let (w, h) = (w as f64, h as f64);
    let pad = (w * 0.02).max(6.0);
    let mut size = (w * 0.028).clamp(12.0, 48.0);
    ctx.set_font(&format!("{size:.0}px {FONT_STACK}"));
    if let Ok(m) = ctx.measure_text(text) {
        let room = w - 2.0 * pad;
        if m.width() > room && m.width() > 0.0 {
            size = (size * room / m.width()).floor().max(8.0);
            ctx.set_font(&format!("{size:.0}px {FONT_STACK}"));
        }
    }
    let band = (size * 1.8).round();
    ctx.set_fill_style_str("rgba(0,0,0,0.55)");
    ctx.fill_rect(0.0, h - band, w, band);
    ctx.set_fill_style_str("#fff");
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text_with_max_width(text, pad, h - band / 2.0, w - 2.0 * pad);
}

/// Turns a picked or taken file into the photo to store. Nothing is stored here; an unreadable
/// file gives `PhotoError::Unreadable`.
pub async fn process(file: &Blob, input: PhotoInput) -> Result<StoredPhoto, PhotoError> {
    let kind = file.type_();
    if !kind.is_empty() && !kind.starts_with("image/") {
        return Err(PhotoError::Unreadable(format!("type {kind}")));
    }
    yield_now().await;
    let head = file
        .slice_with_f64_and_f64(0.0, HEADER_BYTES)
        .map_err(failed("slice"))?;
    let head = bytes_of(&head).await.map_err(failed("read"))?;
    let target = display_size(&head).map(|(w, h)| fit_within(w, h, MAX_SIDE));

    // Decode (and scale, when the size is known) off the main thread.
    let unreadable = |e: JsValue| PhotoError::Unreadable(describe(&e));
    let mut bitmap = decode(file, target).await.map_err(unreadable)?;
    if let Some((tw, th)) = target {
        let (bw, bh) = (bitmap.width(), bitmap.height());
        // A browser that ignores the resize options gives the full picture (scaled below);
        // one that scales before turning gives it sideways: decode again without resizing.
        if (bw, bh) != (tw, th) && fit_within(bw, bh, MAX_SIDE) != (tw, th) {
            bitmap.close();
            bitmap = decode(file, None).await.map_err(unreadable)?;
        }
    }
    let (bw, bh) = (bitmap.width(), bitmap.height());
    if bw == 0 || bh == 0 {
        bitmap.close();
        return Err(PhotoError::Unreadable("empty image".into()));
    }
    let (w, h) = fit_within(bw, bh, MAX_SIDE);
    yield_now().await;

    let (c, ctx) = canvas(w, h)?;
    let drawn =
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w as f64, h as f64);
    bitmap.close();
    drawn.map_err(failed("draw"))?;

    // The thumbnail from the clean picture, before the watermark.
    let (tw, th) = fit_within(w, h, THUMB_SIDE);
    let (tc, tctx) = canvas(tw, th)?;
    tctx.draw_image_with_html_canvas_element_and_dw_and_dh(&c, 0.0, 0.0, tw as f64, th as f64)
        .map_err(failed("thumbnail"))?;

    draw_watermark(
        &ctx,
        w,
        h,
        &watermark(&input.school, input.taken_at, &input.supervisor),
    );
    yield_now().await;
    let blob = jpeg(&c, QUALITY).await?;
    // Release the canvas memory at once (a phone may hold several).
    c.set_width(0);
    c.set_height(0);
    yield_now().await;
    let thumb = jpeg(&tc, THUMB_QUALITY).await?;
    yield_now().await;
    let bytes = bytes_of(&blob).await.map_err(failed("read"))?;
    let sha256 = sha256_hex(&bytes).await?;
    Ok(StoredPhoto {
        meta: PhotoMeta {
            id: input.id,
            visit_id: input.visit_id,
            item_code: input.item_code,
            sha256,
            size: bytes.len() as u64,
            width: w,
            height: h,
            mime: "image/jpeg".into(),
            taken_at: input.taken_at,
        },
        blob,
        thumb,
        on_server: false,
    })
}
