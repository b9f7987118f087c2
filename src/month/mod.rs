//! The month: its folder read and validated against the office's
//! definition. `office` reads it against the schemas of `office_schema`
//! and runs the definition's `checks`; `validate` holds what every month
//! shares (its files, period, sign-off, acknowledgements, cases), `case`
//! the typical cases' text, `raw` and `types` the plain values.

pub mod case;
pub mod checks;
pub mod office;
pub mod office_schema;
pub mod raw;
pub mod span;
pub mod types;
pub mod validate;
