pub mod bottom_bar;
pub mod header;
pub mod message_line;
pub mod signature_pad;
pub mod update_banner;
