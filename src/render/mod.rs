//! Rendering: sentences from minijinja templates (`narrative`, `filters`),
//! an office's sections as a document (`document`), the Typst world of
//! bundled fonts and layouts (`world`), the glyph check (`glyphs`), and the
//! PDF written atomically (`pdf`).

pub mod chart;
pub mod compare;
pub mod document;
pub mod filters;
pub mod glyphs;
pub mod narrative;
pub mod pdf;
pub mod world;
