//! The month: its folder read and validated against the office's
//! definition. Furong's shape (`raw` types, `validate`, `rules`, `case`
//! files) gives a `types::Month`; an office whose definition declares its
//! sections is read by `office` against the schemas of `office_schema` and
//! the definition's `checks`.

pub mod case;
pub mod checks;
pub mod office;
pub mod office_schema;
pub mod raw;
pub mod rules;
pub mod types;
pub mod validate;
