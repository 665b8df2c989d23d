//! The keybag TLV parser on arbitrary bytes: never panics, and what it accepts re-encodes to
//! a keybag that parses to the same thing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lucarne::backup::keybag::Keybag;

fuzz_target!(|data: &[u8]| {
    if let Ok(bag) = Keybag::parse(data) {
        let again = Keybag::parse(&bag.to_bytes()).expect("a re-encoded keybag parses");
        assert_eq!(again.salt, bag.salt);
        assert_eq!(again.sha1_iterations, bag.sha1_iterations);
        assert_eq!(again.class_keys, bag.class_keys);
        // Unlocking with a wrong key must fail cleanly, never panic.
        let _ = bag.unlock(&[0u8; 32]);
    }
});
