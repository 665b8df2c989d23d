//! The `file` column of `Manifest.db`: an `MBFile` object archived with NSKeyedArchiver, i.e.
//! a binary plist whose `$objects` array holds every value and whose dictionaries point at
//! each other by UID index. We resolve the few fields we need by hand, one level deep, so a
//! hostile blob cannot make us follow cycles.

use plist::{Dictionary, Uid, Value};

/// Largest `file` blob accepted (real ones are a few hundred bytes, more with xattrs).
pub const MAX_MBFILE_BYTES: usize = 256 * 1024;

/// The metadata of one file in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MbFile {
    /// `RelativePath`.
    pub relative_path: Option<String>,
    /// `Size` in bytes of the plaintext.
    pub size: u64,
    /// `Mode` (Unix permissions and type).
    pub mode: u64,
    /// `ProtectionClass`.
    pub protection_class: u32,
    /// `LastModified`, Unix seconds.
    pub last_modified: Option<i64>,
    /// `EncryptionKey`: 4-byte little-endian class + 40-byte wrapped key (encrypted backups).
    pub encryption_key: Option<Vec<u8>>,
    /// `Target` of a symbolic link.
    pub target: Option<String>,
}

/// Why an `MBFile` blob could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MbFileError {
    /// Larger than [`MAX_MBFILE_BYTES`].
    #[error("the file record is {0} bytes, more than accepted")]
    TooLarge(usize),
    /// Not a property list.
    #[error("the file record is not a property list: {0}")]
    NotAPlist(String),
    /// The archive structure is not what NSKeyedArchiver writes.
    #[error("the file record is not a keyed archive: {0}")]
    Structure(&'static str),
}

impl MbFile {
    /// Decodes an NSKeyedArchiver `MBFile` blob.
    pub fn decode(blob: &[u8]) -> Result<MbFile, MbFileError> {
        if blob.len() > MAX_MBFILE_BYTES {
            return Err(MbFileError::TooLarge(blob.len()));
        }
        let value = Value::from_reader(std::io::Cursor::new(blob))
            .map_err(|e| MbFileError::NotAPlist(e.to_string()))?;
        let top = value
            .as_dictionary()
            .ok_or(MbFileError::Structure("not a dictionary"))?;
        let objects = top
            .get("$objects")
            .and_then(Value::as_array)
            .ok_or(MbFileError::Structure("no $objects"))?;
        let root_uid = top
            .get("$top")
            .and_then(Value::as_dictionary)
            .and_then(|t| t.get("root"))
            .and_then(Value::as_uid)
            .ok_or(MbFileError::Structure("no $top.root"))?;
        let root = objects
            .get(index(*root_uid))
            .and_then(Value::as_dictionary)
            .ok_or(MbFileError::Structure("$top.root is not an object"))?;
        let field = |key: &str| resolve(objects, root.get(key));
        let integer = |key: &str| field(key).and_then(|v| v.as_signed_integer());
        Ok(MbFile {
            relative_path: field("RelativePath").and_then(|v| v.as_string().map(str::to_owned)),
            size: integer("Size")
                .and_then(|i| u64::try_from(i).ok())
                .unwrap_or(0),
            mode: integer("Mode")
                .and_then(|i| u64::try_from(i).ok())
                .unwrap_or(0),
            protection_class: integer("ProtectionClass")
                .and_then(|i| u32::try_from(i).ok())
                .unwrap_or(0),
            last_modified: integer("LastModified"),
            encryption_key: field("EncryptionKey").and_then(data_of),
            target: field("Target").and_then(|v| v.as_string().map(str::to_owned)),
        })
    }

    /// Encodes this record as NSKeyedArchiver would (used by the backup writer).
    pub fn encode(&self) -> Vec<u8> {
        let mut objects: Vec<Value> = vec![Value::String("$null".into())];
        let mut root = Dictionary::new();
        let push = |objects: &mut Vec<Value>, value: Value| -> Value {
            objects.push(value);
            Value::Uid(Uid::new(objects.len() as u64 - 1))
        };
        // The root object takes index 1; fill it in at the end.
        objects.push(Value::Boolean(false));
        let null = Value::Uid(Uid::new(0));
        let path = self
            .relative_path
            .clone()
            .map(|p| push(&mut objects, Value::String(p)))
            .unwrap_or(null.clone());
        root.insert("RelativePath".into(), path);
        root.insert("Size".into(), Value::Integer(self.size.into()));
        root.insert("Mode".into(), Value::Integer(self.mode.into()));
        root.insert(
            "ProtectionClass".into(),
            Value::Integer(u64::from(self.protection_class).into()),
        );
        let modified = self.last_modified.unwrap_or(0);
        for key in ["LastModified", "LastStatusChange", "Birth"] {
            root.insert(key.into(), Value::Integer(modified.into()));
        }
        root.insert("UserID".into(), Value::Integer(501u64.into()));
        root.insert("GroupID".into(), Value::Integer(501u64.into()));
        root.insert("InodeNumber".into(), Value::Integer(0u64.into()));
        root.insert("Flags".into(), Value::Integer(0u64.into()));
        if let Some(target) = &self.target {
            let t = push(&mut objects, Value::String(target.clone()));
            root.insert("Target".into(), t);
        }
        if let Some(key) = &self.encryption_key {
            let mut data_class = Dictionary::new();
            data_class.insert("$classname".into(), Value::String("NSMutableData".into()));
            data_class.insert(
                "$classes".into(),
                Value::Array(vec![
                    Value::String("NSMutableData".into()),
                    Value::String("NSData".into()),
                    Value::String("NSObject".into()),
                ]),
            );
            let class_uid = push(&mut objects, Value::Dictionary(data_class));
            let mut data = Dictionary::new();
            data.insert("NS.data".into(), Value::Data(key.clone()));
            data.insert("$class".into(), class_uid);
            let d = push(&mut objects, Value::Dictionary(data));
            root.insert("EncryptionKey".into(), d);
        }
        let mut mb_class = Dictionary::new();
        mb_class.insert("$classname".into(), Value::String("MBFile".into()));
        mb_class.insert(
            "$classes".into(),
            Value::Array(vec![
                Value::String("MBFile".into()),
                Value::String("NSObject".into()),
            ]),
        );
        let class_uid = push(&mut objects, Value::Dictionary(mb_class));
        root.insert("$class".into(), class_uid);
        objects[1] = Value::Dictionary(root);

        let mut top = Dictionary::new();
        top.insert("root".into(), Value::Uid(Uid::new(1)));
        let mut archive = Dictionary::new();
        archive.insert("$version".into(), Value::Integer(100_000u64.into()));
        archive.insert("$archiver".into(), Value::String("NSKeyedArchiver".into()));
        archive.insert("$top".into(), Value::Dictionary(top));
        archive.insert("$objects".into(), Value::Array(objects));
        let mut out = Vec::new();
        // Writing a plist we built to a Vec cannot fail; an empty blob would be refused on read.
        let _ = Value::Dictionary(archive).to_writer_binary(&mut out);
        out
    }
}

fn index(uid: Uid) -> usize {
    usize::try_from(uid.get()).unwrap_or(usize::MAX)
}

/// A field's value: scalars are stored inline, objects through a UID into `$objects`.
fn resolve<'a>(objects: &'a [Value], value: Option<&'a Value>) -> Option<&'a Value> {
    match value? {
        Value::Uid(uid) => {
            let target = objects.get(index(*uid))?;
            match target {
                Value::String(s) if s == "$null" => None,
                other => Some(other),
            }
        }
        other => Some(other),
    }
}

/// Bytes of an NSData / NSMutableData object (a dict with `NS.data`) or inline data.
fn data_of(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::Data(bytes) => Some(bytes.clone()),
        Value::Dictionary(dict) => dict
            .get("NS.data")
            .and_then(Value::as_data)
            .map(<[u8]>::to_vec),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips() {
        let file = MbFile {
            relative_path: Some("Library/ConfigurationProfiles/MDM.plist".into()),
            size: 1234,
            mode: 0o100644,
            protection_class: 4,
            last_modified: Some(1_790_000_000),
            encryption_key: Some(vec![4, 0, 0, 0, 1, 2, 3]),
            target: None,
        };
        assert_eq!(MbFile::decode(&file.encode()).unwrap(), file);
    }

    #[test]
    fn hostile_blobs_are_errors() {
        assert!(MbFile::decode(b"").is_err());
        assert!(MbFile::decode(b"bplist00garbage").is_err());
        let mut dict = Dictionary::new();
        dict.insert("$objects".into(), Value::Array(vec![]));
        let mut top = Dictionary::new();
        top.insert("root".into(), Value::Uid(Uid::new(u64::MAX)));
        dict.insert("$top".into(), Value::Dictionary(top));
        let mut out = Vec::new();
        Value::Dictionary(dict).to_writer_binary(&mut out).unwrap();
        assert!(matches!(
            MbFile::decode(&out),
            Err(MbFileError::Structure(_))
        ));
        assert!(matches!(
            MbFile::decode(&vec![0u8; MAX_MBFILE_BYTES + 1]),
            Err(MbFileError::TooLarge(_))
        ));
    }
}
