//! One `Manifest.db` row: the NSKeyedArchiver `MBFile` blob, and the checks that stand
//! between the row's fileID / relativePath and a path on disk.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lucarne::backup::layout;
use lucarne::backup::manifest::entry_from_parts;
use lucarne::backup::mbfile::MbFile;

fuzz_target!(|data: &[u8]| {
    let _ = MbFile::decode(data);
    // The first bytes as a path, the rest as the record.
    let split = data.first().map(|b| usize::from(*b).min(data.len() - 1) + 1).unwrap_or(0);
    let (path, blob) = data.split_at(split.min(data.len()));
    let path = String::from_utf8_lossy(path).into_owned();
    let domain = "HomeDomain".to_owned();
    let id = layout::file_id(&domain, &path);
    if let Ok(entry) = entry_from_parts(id, domain, path, 1, Some(blob)) {
        assert!(layout::is_safe_relative_path(&entry.relative_path));
        let joined = layout::payload_path(std::path::Path::new("/b"), &entry.file_id).expect("a checked id is a path");
        assert_eq!(joined.components().count(), 4);
    }
});
