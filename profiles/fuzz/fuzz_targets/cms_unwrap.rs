//! Any bytes given to the CMS unwrapper must give content and a signer report or an error,
//! never a panic. A report that says the signature is valid must come with the content
//! that the signature covers, which the parser then reads like any other profile.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(signed) = lucarne_proof::cms::unwrap(data) {
        let _ = lucarne_profiles::parse::parse_plist_profile(&signed.content);
    }
});
