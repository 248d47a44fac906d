//! Signature headers at the inbox: see `guildhall::fuzzing::signature_headers`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| guildhall::fuzzing::signature_headers(data));
