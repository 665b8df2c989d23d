//! The ZIP reader against its own writer and against hostile archives built by hand.

#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use super::*;

fn entry(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.into(),
        data: data.to_vec(),
    }
}

/// An archive whose single entry declares `size` inflated bytes for `compressed` (deflate).
fn raw_archive(items: &[(&str, Vec<u8>, u32, u32)]) -> Vec<u8> {
    // (name, compressed bytes, declared size, crc)
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, compressed, size, crc) in items {
        let header = Header {
            method: METHOD_DEFLATE,
            crc: *crc,
            compressed: compressed.len() as u32,
            size: *size,
            name: name.as_bytes(),
        };
        let offset = out.len() as u32;
        header.local(&mut out);
        out.extend_from_slice(compressed);
        header.central(&mut central, offset);
    }
    end(out, central, items.len() as u16)
}

fn end(mut out: Vec<u8>, central: Vec<u8>, count: u16) -> Vec<u8> {
    let offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&END_OF_CENTRAL_DIRECTORY.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&[0; 2]);
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn crc(data: &[u8]) -> u32 {
    let mut c = Crc::new();
    c.update(data);
    c.sum()
}

#[test]
fn what_is_written_reads_back_in_order() {
    let entries = vec![
        entry("MANIFEST", b"abc\n"),
        entry("devices/d/k/1.envelope.json", &b"{\"x\":1}".repeat(1000)),
        entry("empty", b""),
    ];
    let archive = write(&entries).unwrap();
    assert_eq!(read(&archive).unwrap(), entries);
    // The same files make the same archive.
    assert_eq!(write(&entries).unwrap(), archive);
}

#[test]
fn hostile_names_are_refused_when_reading_and_writing() {
    for name in [
        "../evil",
        "a/../../evil",
        "/etc/passwd",
        "a//b",
        "./a",
        "C:\\x",
        "a\\..\\b",
        "nul\u{0}byte",
        "",
    ] {
        assert!(
            matches!(check_name(name), Err(ZipError::BadName { .. })),
            "{name:?}"
        );
        assert!(write(&[entry(name, b"x")]).is_err(), "{name:?}");
        let data = b"x";
        let archive = raw_archive(&[(name, deflate(data), 1, crc(data))]);
        assert!(
            matches!(read(&archive), Err(ZipError::BadName { .. })),
            "{name:?}: {:?}",
            read(&archive)
        );
    }
    assert!(check_name("devices/a-b/0123/12.receipt.json").is_ok());
}

#[test]
fn duplicate_names_are_refused() {
    assert_eq!(
        write(&[entry("a", b"1"), entry("a", b"2")]),
        Err(ZipError::Duplicate("a".into()))
    );
    let archive = raw_archive(&[
        ("a", deflate(b"1"), 1, crc(b"1")),
        ("a", deflate(b"2"), 1, crc(b"2")),
    ]);
    assert_eq!(read(&archive), Err(ZipError::Duplicate("a".into())));
}

#[test]
fn a_zip_bomb_is_refused_before_inflating() {
    // 100 MiB of zeros deflate to about 100 KiB: declared honestly, it breaks the entry limit.
    let zeros = vec![0u8; 100 * 1024 * 1024];
    let compressed = deflate(&zeros);
    let archive = raw_archive(&[("bomb", compressed.clone(), zeros.len() as u32, crc(&zeros))]);
    assert!(matches!(read(&archive), Err(ZipError::Bomb { .. })));
    // 10 MiB of zeros: under the size limit, but a thousand times the compressed size.
    let ten = &zeros[..10 * 1024 * 1024];
    let archive = raw_archive(&[("bomb", deflate(ten), ten.len() as u32, crc(ten))]);
    let err = read(&archive).unwrap_err();
    assert!(
        matches!(&err, ZipError::Bomb { problem, .. } if problem.contains("times")),
        "{err}"
    );
    // Lying about the size: the inflater stops at the declared size and the entry is refused.
    let archive = raw_archive(&[("liar", deflate(ten), 1000, crc(ten))]);
    assert!(matches!(read(&archive), Err(ZipError::Corrupt { .. })));
}

#[test]
fn overlapping_entries_are_refused() {
    // Two directory records pointing at the same local entry (a "quine" bomb's trick).
    let data = b"same bytes";
    let compressed = deflate(data);
    let mut out = Vec::new();
    let mut central = Vec::new();
    let header = Header {
        method: METHOD_DEFLATE,
        crc: crc(data),
        compressed: compressed.len() as u32,
        size: data.len() as u32,
        name: b"a",
    };
    header.local(&mut out);
    out.extend_from_slice(&compressed);
    header.central(&mut central, 0);
    let mut second = Vec::new();
    Header {
        name: b"b",
        ..header
    }
    .central(&mut second, 0);
    central.extend_from_slice(&second);
    let archive = end(out, central, 2);
    assert!(read(&archive).is_err());
}

#[test]
fn too_many_entries_are_refused() {
    let mut out = Vec::new();
    let mut central = Vec::new();
    // The count field says more than the limit allows once it is above it; build 2 and
    // claim u16::MAX to check the count is compared with the records, then the limit itself.
    for i in 0..2u8 {
        let name = [b'a' + i];
        let header = Header {
            method: METHOD_DEFLATE,
            crc: crc(b""),
            compressed: deflate(b"").len() as u32,
            size: 0,
            name: &name,
        };
        let offset = out.len() as u32;
        header.local(&mut out);
        out.extend_from_slice(&deflate(b""));
        header.central(&mut central, offset);
    }
    let archive = end(out, central, u16::MAX);
    assert!(read(&archive).is_err());
    let many: Vec<Entry> = (0..=MAX_ENTRIES)
        .map(|i| entry(&i.to_string(), b""))
        .collect();
    assert_eq!(write(&many), Err(ZipError::TooManyEntries));
}

#[test]
fn damaged_archives_are_errors_never_panics() {
    let archive = write(&[entry("a", &b"hello ".repeat(100)), entry("b/c", b"x")]).unwrap();
    for i in 0..archive.len() {
        let mut bytes = archive.clone();
        bytes[i] ^= 0x55;
        let _ = read(&bytes);
        let _ = read(&archive[..i]);
    }
    // A changed data byte is caught by the CRC or the inflater.
    let mut bytes = archive.clone();
    bytes[40] ^= 0x01;
    assert!(read(&bytes).is_err());
    assert!(matches!(
        read(b"not a zip at all, just text"),
        Err(ZipError::Malformed(_))
    ));
}
