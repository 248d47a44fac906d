//! A body posted to an inbox: see `guildhall::fuzzing::inbox_activity`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guildhall::fuzzing::inbox_activity(data));
