//! Markdown and HTML through the sanitiser: see `guildhall::fuzzing::markdown`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guildhall::fuzzing::markdown(data));
