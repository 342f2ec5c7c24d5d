//! The integration tests of capscore-whatif, in one binary (one link instead of one per
//! file).

mod common;
mod diff_properties;
mod forecast;
mod in_memory;
mod outlook;
mod recommend;
mod reform;
mod roundtrip_properties;
mod simulate;
