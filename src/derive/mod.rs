//! Derivation: the `engine` evaluates the office definition over a month's
//! raw figures (exact ratios, one rounding per figure, ranks, selections);
//! `figures` gives Furong's month the shape its layout reads.

pub mod engine;
pub mod figures;
