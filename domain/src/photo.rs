//! Photo evidence (取证照片): what is known about a photo besides its bytes, which the phone keeps
//! as a Blob in IndexedDB and the server in its photo store.

use serde::{Deserialize, Serialize};

/// The longest side, in pixels, of a stored photo: enough to read a notice on a wall, small
/// enough (≈ 300–600 KB as JPEG) that a visit's photos fit on a phone and upload on 4G.
pub const MAX_SIDE: u32 = 1600;
/// The longest side of the thumbnail shown on an item card.
pub const THUMB_SIDE: u32 = 240;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoMeta {
    /// Client-generated UUIDv7.
    pub id: String,
    pub visit_id: String,
    pub item_code: String,
    /// Lower-case hex SHA-256 of the stored (downscaled, watermarked) JPEG bytes: the server
    /// checks the upload against it.
    pub sha256: String,
    /// Size of the stored bytes.
    pub size: u64,
    pub width: u32,
    pub height: u32,
    pub mime: String,
    /// Unix milliseconds when the photo was taken into the visit.
    pub taken_at: i64,
}

/// The size a photo is stored at: the long side brought down to `max_side`, never enlarged,
/// the aspect ratio kept.
pub fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side || long == 0 {
        return (width, height);
    }
    let scale = max_side as f64 / long as f64;
    let w = ((width as f64 * scale).round() as u32).max(1);
    let h = ((height as f64 * scale).round() as u32).max(1);
    (w, h)
}

/// The text burned into a photo: school, date-time (Beijing) and supervisor, so a printed
/// photo still says where and when it was taken and by whom.
pub fn watermark(school: &str, taken_at: i64, supervisor: &str) -> String {
    format!(
        "{} · {} · 督学 {}",
        school,
        crate::datetime::format_datetime(taken_at, crate::datetime::CHINA_OFFSET_MINUTES, false),
        supervisor
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_12_megapixel_photo_is_brought_down_to_1600_on_its_long_side() {
        assert_eq!(fit_within(4000, 3000, MAX_SIDE), (1600, 1200));
        assert_eq!(fit_within(3000, 4000, MAX_SIDE), (1200, 1600));
        assert_eq!(fit_within(4032, 3024, MAX_SIDE), (1600, 1200));
    }

    #[test]
    fn a_small_photo_is_never_enlarged() {
        assert_eq!(fit_within(800, 600, MAX_SIDE), (800, 600));
        assert_eq!(fit_within(1600, 10, MAX_SIDE), (1600, 10));
        assert_eq!(fit_within(16000, 5, MAX_SIDE), (1600, 1));
    }

    #[test]
    fn the_watermark_names_school_time_and_supervisor() {
        assert_eq!(
            watermark("清河县实验小学", 1_795_327_500_000, "王建国"),
            "清河县实验小学 · 2026年11月22日 14:05 · 督学 王建国"
        );
    }
}
