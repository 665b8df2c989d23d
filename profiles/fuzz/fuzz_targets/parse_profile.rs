//! Any bytes given to the profile parser (XML, binary plist or CMS-signed) must give a
//! profile or an error, never a panic, a hang or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lucarne_profiles::parse_profile(data);
});
