//! Derivation: the `engine` evaluates the office definition over a month's
//! raw figures (exact ratios, one rounding per figure, ranks, selections).

pub mod aggregate;
pub mod engine;
