//! The ZIP container of an export: a small writer and a reader for hostile archives.
//!
//! Why hand-written rather than the `zip` crate: an export is read by the verifier as hostile
//! input, in memory, and every limit must hold before anything is inflated (number of
//! entries, each entry's size, the total, the compression ratio, overlapping entries, names).
//! The subset needed is small and fixed (PKZIP "stored" and "deflate", no ZIP64, no
//! encryption, one disk), `flate2` does the inflating (it was already built for the agent),
//! and the whole reader fits in one reviewable module. Anything outside that subset is refused
//! with a reason, never guessed at.
//!
//! What the writer writes (byte by byte in [`crate::formats`] §8): entries in the order given,
//! deflated, with a fixed date (1980-01-01 00:00, so that the same files make the same
//! archive), the UTF-8 name flag, and no extra fields, then the central directory and its end
//! record without comment.

use std::collections::BTreeSet;
use std::io::Read as _;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

/// Largest archive read (512 MiB).
pub const MAX_ARCHIVE_BYTES: usize = 512 * 1024 * 1024;
/// Most entries read.
pub const MAX_ENTRIES: usize = 100_000;
/// Largest entry once inflated (64 MiB, the agent's largest envelope).
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// Largest total once inflated (1 GiB).
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// Largest ratio of inflated to compressed size of an entry bigger than
/// [`RATIO_FREE_BYTES`]. JSON and base64 deflate 2 to 10 times; a zip bomb, a thousand times.
pub const MAX_RATIO: u64 = 100;
/// Entries up to this size once inflated are not held to [`MAX_RATIO`] (a small file of
/// repeated bytes is no bomb).
pub const RATIO_FREE_BYTES: u64 = 64 * 1024;
/// Longest entry name, in bytes.
pub const MAX_NAME_BYTES: usize = 512;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const ZIP64_END_LOCATOR: u32 = 0x0706_4b50;
/// General purpose flags: bit 11, names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// General purpose flags: bit 0, encrypted.
const FLAG_ENCRYPTED: u16 = 1;
/// Bit 3: sizes and CRC follow the data (the central directory has them too).
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATE: u16 = 8;
/// 1980-01-01 in MS-DOS date form.
const DOS_DATE: u16 = (1 << 5) | 1;

/// Why an archive cannot be read (or written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZipError {
    /// Larger than [`MAX_ARCHIVE_BYTES`].
    #[error("the archive is {0} bytes, more than the {MAX_ARCHIVE_BYTES} bytes accepted")]
    TooLarge(usize),
    /// Not a ZIP archive, or its structure is damaged.
    #[error("not a readable ZIP archive: {0}")]
    Malformed(String),
    /// A feature outside the subset Lucarne reads.
    #[error("{name}: {feature} is not supported")]
    Unsupported {
        /// The entry.
        name: String,
        /// What it uses.
        feature: &'static str,
    },
    /// More than [`MAX_ENTRIES`] entries.
    #[error("the archive has more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    /// A name that could escape a folder, or is not a plain relative path.
    #[error("{name:?}: {problem}")]
    BadName {
        /// The name, as far as it is text.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The same name twice.
    #[error("{0}: the name appears twice in the archive")]
    Duplicate(String),
    /// An entry bigger than the limits, or compressed suspiciously well.
    #[error("{name}: {problem} (a zip bomb?)")]
    Bomb {
        /// The entry.
        name: String,
        /// Which limit.
        problem: String,
    },
    /// The entry's bytes are not what its header says.
    #[error("{name}: {problem}")]
    Corrupt {
        /// The entry.
        name: String,
        /// What does not match.
        problem: String,
    },
}

/// One file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path inside the archive (`/`-separated, relative).
    pub name: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// Checks that `name` is a plain relative path: not empty, at most [`MAX_NAME_BYTES`], no
/// absolute path, no backslash or drive letter, no `.`, `..` or empty component, no control
/// character.
pub fn check_name(name: &str) -> Result<(), ZipError> {
    let bad = |problem| {
        Err(ZipError::BadName {
            name: name.chars().take(200).collect(),
            problem,
        })
    };
    if name.is_empty() {
        return bad("an empty name");
    }
    if name.len() > MAX_NAME_BYTES {
        return bad("a name longer than 512 bytes");
    }
    if name.starts_with('/') {
        return bad("an absolute path");
    }
    if name.contains('\\') || name.contains(':') {
        return bad("a backslash or a colon (a Windows path)");
    }
    if name.chars().any(char::is_control) {
        return bad("a control character");
    }
    for component in name.split('/') {
        match component {
            "" => return bad("an empty path component"),
            "." | ".." => return bad("a `.` or `..` path component"),
            _ => {}
        }
    }
    Ok(())
}

/// Writes `entries` as a ZIP archive, in their order. Names must pass [`check_name`] and be
/// distinct; each entry at most [`MAX_ENTRY_BYTES`].
pub fn write(entries: &[Entry]) -> Result<Vec<u8>, ZipError> {
    use std::io::Write as _;
    if entries.len() > MAX_ENTRIES || entries.len() > usize::from(u16::MAX) {
        return Err(ZipError::TooManyEntries);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        check_name(&entry.name)?;
        if !seen.insert(entry.name.as_str()) {
            return Err(ZipError::Duplicate(entry.name.clone()));
        }
        if entry.data.len() as u64 > MAX_ENTRY_BYTES {
            return Err(ZipError::Bomb {
                name: entry.name.clone(),
                problem: format!("more than {MAX_ENTRY_BYTES} bytes"),
            });
        }
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        let compressed = encoder
            .write_all(&entry.data)
            .and_then(|()| encoder.finish())
            .map_err(|e| ZipError::Malformed(e.to_string()))?;
        let mut crc = Crc::new();
        crc.update(&entry.data);
        let offset = u32::try_from(out.len())
            .map_err(|_| ZipError::Malformed("the archive would exceed 4 GiB".into()))?;
        let header = Header {
            method: METHOD_DEFLATE,
            crc: crc.sum(),
            compressed: compressed.len() as u32,
            size: entry.data.len() as u32,
            name: entry.name.as_bytes(),
        };
        header.local(&mut out);
        out.extend_from_slice(&compressed);
        header.central(&mut central, offset);
    }
    let directory_offset = u32::try_from(out.len())
        .map_err(|_| ZipError::Malformed("the archive would exceed 4 GiB".into()))?;
    let directory_size = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&END_OF_CENTRAL_DIRECTORY.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, disk of the directory
    let count = entries.len() as u16;
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory_offset.to_le_bytes());
    out.extend_from_slice(&[0; 2]); // comment length
    Ok(out)
}

struct Header<'a> {
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: &'a [u8],
}

impl Header<'_> {
    fn common(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        out.extend_from_slice(&FLAG_UTF8.to_le_bytes());
        out.extend_from_slice(&self.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // time 00:00:00
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&self.compressed.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    }

    fn local(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        self.common(out);
        out.extend_from_slice(self.name);
    }

    fn central(&self, out: &mut Vec<u8>, offset: u32) {
        out.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
        out.extend_from_slice(&0x031Eu16.to_le_bytes()); // made by: Unix, 3.0
        self.common(out);
        out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        out.extend_from_slice(&0u16.to_le_bytes()); // disk number
        out.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        out.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes()); // a regular file, rw-r--r--
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(self.name);
    }
}

/// Little-endian reads at an offset, bounds-checked.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn u16(&self, at: usize) -> Result<u16, ZipError> {
        self.0
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .ok_or_else(|| ZipError::Malformed("a header runs past the end".into()))
    }

    fn u32(&self, at: usize) -> Result<u32, ZipError> {
        self.0
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| ZipError::Malformed("a header runs past the end".into()))
    }

    fn slice(&self, at: usize, len: usize) -> Result<&'a [u8], ZipError> {
        at.checked_add(len)
            .and_then(|end| self.0.get(at..end))
            .ok_or_else(|| ZipError::Malformed("a field runs past the end".into()))
    }
}

/// A central directory record.
struct Record {
    name: String,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: usize,
}

/// Reads every file of a ZIP archive held in memory, within the limits of this module;
/// directory entries (names ending in `/`, empty) are skipped. Entries come back in the
/// order of the central directory.
pub fn read(archive: &[u8]) -> Result<Vec<Entry>, ZipError> {
    if archive.len() > MAX_ARCHIVE_BYTES {
        return Err(ZipError::TooLarge(archive.len()));
    }
    let bytes = Bytes(archive);
    let end = find_end(archive)?;
    if end >= 20 && bytes.u32(end - 20)? == ZIP64_END_LOCATOR {
        return Err(ZipError::Unsupported {
            name: "(archive)".into(),
            feature: "ZIP64",
        });
    }
    let disk = bytes.u16(end + 4)?;
    let directory_disk = bytes.u16(end + 6)?;
    let on_disk = bytes.u16(end + 8)?;
    let count = bytes.u16(end + 10)?;
    let directory_size = bytes.u32(end + 12)? as usize;
    let directory_offset = bytes.u32(end + 16)? as usize;
    if disk != 0 || directory_disk != 0 || on_disk != count {
        return Err(ZipError::Unsupported {
            name: "(archive)".into(),
            feature: "a multi-disk archive",
        });
    }
    if usize::from(count) > MAX_ENTRIES {
        return Err(ZipError::TooManyEntries);
    }
    if directory_offset
        .checked_add(directory_size)
        .is_none_or(|e| e > end)
    {
        return Err(ZipError::Malformed(
            "the central directory lies outside the archive".into(),
        ));
    }
    let mut records = Vec::with_capacity(usize::from(count));
    let mut at = directory_offset;
    for _ in 0..count {
        let record = central_record(&bytes, &mut at)?;
        records.push(record);
    }
    if at != directory_offset + directory_size {
        return Err(ZipError::Malformed(
            "the central directory's size does not match its records".into(),
        ));
    }
    let mut names = BTreeSet::new();
    let mut total = 0u64;
    for record in &records {
        check_name(record.name.trim_end_matches('/'))?;
        if !names.insert(record.name.as_str()) {
            return Err(ZipError::Duplicate(record.name.clone()));
        }
        let bomb = |problem: String| ZipError::Bomb {
            name: record.name.clone(),
            problem,
        };
        if record.size > MAX_ENTRY_BYTES {
            return Err(bomb(format!(
                "{} bytes once inflated, more than the {MAX_ENTRY_BYTES} accepted",
                record.size
            )));
        }
        total += record.size;
        if total > MAX_TOTAL_BYTES {
            return Err(bomb(format!(
                "the files add up to more than {MAX_TOTAL_BYTES} bytes once inflated"
            )));
        }
        if record.size > RATIO_FREE_BYTES && record.size > record.compressed * MAX_RATIO {
            return Err(bomb(format!(
                "{} bytes inflate to {}, more than {MAX_RATIO} times",
                record.compressed, record.size
            )));
        }
    }
    // Entries may not share bytes: that is how small archives inflate to huge ones.
    let mut spans: Vec<(usize, usize, &str)> = Vec::with_capacity(records.len());
    let mut entries = Vec::with_capacity(records.len());
    for record in &records {
        let (start, data) = local_data(&bytes, record)?;
        spans.push((record.offset, start + data.len(), &record.name));
        if record.name.ends_with('/') {
            if record.size != 0 {
                return Err(ZipError::Corrupt {
                    name: record.name.clone(),
                    problem: "a folder entry with content".into(),
                });
            }
            continue;
        }
        entries.push(Entry {
            name: record.name.clone(),
            data: inflate(record, data)?,
        });
    }
    spans.sort_unstable();
    for pair in spans.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(ZipError::Corrupt {
                name: pair[1].2.to_string(),
                problem: format!("its bytes overlap those of {}", pair[0].2),
            });
        }
    }
    if spans.last().is_some_and(|s| s.1 > directory_offset) {
        return Err(ZipError::Malformed(
            "an entry overlaps the central directory".into(),
        ));
    }
    Ok(entries)
}

/// The offset of the end of central directory record (searched from the end, past a comment
/// of at most 64 KiB).
fn find_end(archive: &[u8]) -> Result<usize, ZipError> {
    const MIN: usize = 22;
    if archive.len() < MIN {
        return Err(ZipError::Malformed("too short to be a ZIP archive".into()));
    }
    let lowest = archive.len().saturating_sub(MIN + usize::from(u16::MAX));
    let bytes = Bytes(archive);
    let mut at = archive.len() - MIN;
    loop {
        if bytes.u32(at)? == END_OF_CENTRAL_DIRECTORY
            && at + MIN + usize::from(bytes.u16(at + 20)?) == archive.len()
        {
            return Ok(at);
        }
        if at == lowest {
            return Err(ZipError::Malformed(
                "no end of central directory record".into(),
            ));
        }
        at -= 1;
    }
}

fn central_record(bytes: &Bytes<'_>, at: &mut usize) -> Result<Record, ZipError> {
    let start = *at;
    if bytes.u32(start)? != CENTRAL_HEADER {
        return Err(ZipError::Malformed(
            "a central directory record has a wrong signature".into(),
        ));
    }
    let flags = bytes.u16(start + 8)?;
    let method = bytes.u16(start + 10)?;
    let crc = bytes.u32(start + 16)?;
    let compressed = bytes.u32(start + 20)?;
    let size = bytes.u32(start + 24)?;
    let name_len = usize::from(bytes.u16(start + 28)?);
    let extra_len = usize::from(bytes.u16(start + 30)?);
    let comment_len = usize::from(bytes.u16(start + 32)?);
    let offset = bytes.u32(start + 42)?;
    let raw_name = bytes.slice(start + 46, name_len)?;
    *at = start + 46 + name_len + extra_len + comment_len;
    bytes.slice(start, *at - start)?;
    let name = std::str::from_utf8(raw_name)
        .map_err(|_| ZipError::BadName {
            name: String::from_utf8_lossy(raw_name)
                .chars()
                .take(200)
                .collect(),
            problem: "a name that is not UTF-8",
        })?
        .to_string();
    if flags & FLAG_ENCRYPTED != 0 {
        return Err(ZipError::Unsupported {
            name,
            feature: "encryption",
        });
    }
    if method != METHOD_STORED && method != METHOD_DEFLATE {
        return Err(ZipError::Unsupported {
            name,
            feature: "a compression method other than stored or deflate",
        });
    }
    if compressed == u32::MAX || size == u32::MAX || offset == u32::MAX {
        return Err(ZipError::Unsupported {
            name,
            feature: "ZIP64",
        });
    }
    Ok(Record {
        name,
        flags,
        method,
        crc,
        compressed: u64::from(compressed),
        size: u64::from(size),
        offset: offset as usize,
    })
}

/// The compressed bytes of a record, after its local header (which must agree with it).
fn local_data<'a>(bytes: &Bytes<'a>, record: &Record) -> Result<(usize, &'a [u8]), ZipError> {
    let corrupt = |problem: &str| ZipError::Corrupt {
        name: record.name.clone(),
        problem: problem.into(),
    };
    let at = record.offset;
    if bytes.u32(at)? != LOCAL_HEADER {
        return Err(corrupt("its local header is missing"));
    }
    let flags = bytes.u16(at + 6)?;
    let method = bytes.u16(at + 8)?;
    let name_len = usize::from(bytes.u16(at + 26)?);
    let extra_len = usize::from(bytes.u16(at + 28)?);
    if bytes.slice(at + 30, name_len)? != record.name.as_bytes() {
        return Err(corrupt(
            "its local header names another file than the directory",
        ));
    }
    if method != record.method || (flags ^ record.flags) & FLAG_ENCRYPTED != 0 {
        return Err(corrupt("its local header disagrees with the directory"));
    }
    if flags & FLAG_DATA_DESCRIPTOR == 0 {
        let local_sizes = (
            bytes.u32(at + 18)?,
            bytes.u32(at + 22)?,
            bytes.u32(at + 14)?,
        );
        if local_sizes != (record.compressed as u32, record.size as u32, record.crc) {
            return Err(corrupt(
                "its local header's sizes or CRC disagree with the directory",
            ));
        }
    }
    let start = at + 30 + name_len + extra_len;
    let data = bytes
        .slice(start, record.compressed as usize)
        .map_err(|_| corrupt("its data runs past the end of the archive"))?;
    Ok((start, data))
}

/// Inflates one entry, never past its declared size, and checks its size and CRC.
fn inflate(record: &Record, data: &[u8]) -> Result<Vec<u8>, ZipError> {
    let corrupt = |problem: String| ZipError::Corrupt {
        name: record.name.clone(),
        problem,
    };
    let out = if record.method == METHOD_STORED {
        if record.compressed != record.size {
            return Err(corrupt("a stored entry whose two sizes differ".into()));
        }
        data.to_vec()
    } else {
        let mut out = Vec::with_capacity(record.size as usize);
        DeflateDecoder::new(data)
            .take(record.size + 1)
            .read_to_end(&mut out)
            .map_err(|e| corrupt(format!("its compressed data is damaged ({e})")))?;
        out
    };
    if out.len() as u64 != record.size {
        return Err(corrupt(format!(
            "it inflates to {} bytes, not the {} declared",
            out.len(),
            record.size
        )));
    }
    let mut crc = Crc::new();
    crc.update(&out);
    if crc.sum() != record.crc {
        return Err(corrupt(
            "its CRC does not match: the file was damaged".into(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "zip_tests.rs"]
mod tests;
