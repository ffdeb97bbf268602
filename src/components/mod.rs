pub mod bottom_bar;
pub mod header;
pub mod message_line;
