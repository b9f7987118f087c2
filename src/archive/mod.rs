//! The archive of months: rebuilt in batch (incrementally, in parallel),
//! watched while an editor works, or generated for tests and benchmarks.

pub mod batch;
pub mod generate;
pub mod months;
pub mod period;
pub mod trend;
pub mod watch;
