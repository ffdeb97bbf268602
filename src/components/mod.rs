pub mod bottom_bar;
pub mod header;
pub mod load_error;
pub mod message_line;
pub mod signature_pad;
pub mod storage_banners;
pub mod storage_panel;
pub mod update_banner;
