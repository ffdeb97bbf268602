//! Pieces the pages share: the header with the sync state, the bottom bar, the date field that
//! reads in Chinese, the signature pad, the storage banners and panel, the update banner, load
//! errors and the message line.

pub mod bottom_bar;
pub mod date_input;
pub mod header;
pub mod load_error;
pub mod message_line;
pub mod signature_pad;
pub mod storage_banners;
pub mod storage_panel;
pub mod update_banner;
