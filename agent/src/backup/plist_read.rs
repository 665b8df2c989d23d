//! Reading property lists from a backup under bounds. A binary plist can reference one
//! object many times, so a few hundred bytes can describe billions of values (a "plist
//! bomb"); building the tree from the event stream lets us count every value as it comes
//! and stop early, whatever the plist crate's own tree builder would do.

use std::io::Cursor;

use plist::stream::{Event, Reader};
use plist::{Dictionary, Value};

/// Bounds for one property list.
#[derive(Debug, Clone, Copy)]
pub struct PlistLimits {
    /// Largest file accepted.
    pub max_bytes: usize,
    /// Deepest nesting accepted.
    pub max_depth: usize,
    /// Most values accepted (counting every reuse of a shared object).
    pub max_values: usize,
    /// Most bytes of strings and data accepted in total (counting reuse).
    pub max_content_bytes: usize,
}

impl Default for PlistLimits {
    fn default() -> Self {
        PlistLimits {
            max_bytes: 16 * 1024 * 1024,
            max_depth: 48,
            max_values: 500_000,
            max_content_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Why a property list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlistError {
    /// The file is larger than the limit.
    #[error("{size} bytes, more than the {limit} accepted")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// It expands to more values or bytes than accepted (e.g. a plist bomb).
    #[error("expands beyond {0} (refused as a plist bomb)")]
    TooBig(&'static str),
    /// Nested deeper than accepted.
    #[error("nested deeper than {0} levels")]
    TooDeep(usize),
    /// Not a well-formed property list.
    #[error("not a property list: {0}")]
    Malformed(String),
}

enum Frame {
    Array(Vec<Value>),
    Dict(Dictionary, Option<String>),
}

/// Parses `bytes` (XML or binary plist) under `limits`.
pub fn read(bytes: &[u8], limits: PlistLimits) -> Result<Value, PlistError> {
    if bytes.len() > limits.max_bytes {
        return Err(PlistError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(PlistError::Malformed("empty file".into()));
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut values = 0usize;
    let mut content = 0usize;
    for event in Reader::new(Cursor::new(bytes)) {
        let event = event.map_err(|e| PlistError::Malformed(e.to_string()))?;
        values += 1;
        if values > limits.max_values {
            return Err(PlistError::TooBig("the value count limit"));
        }
        let leaf = match event {
            Event::StartArray(_) => {
                if stack.len() >= limits.max_depth {
                    return Err(PlistError::TooDeep(limits.max_depth));
                }
                stack.push(Frame::Array(Vec::new()));
                continue;
            }
            Event::StartDictionary(_) => {
                if stack.len() >= limits.max_depth {
                    return Err(PlistError::TooDeep(limits.max_depth));
                }
                stack.push(Frame::Dict(Dictionary::new(), None));
                continue;
            }
            Event::EndCollection => match stack.pop() {
                Some(Frame::Array(items)) => Value::Array(items),
                Some(Frame::Dict(dict, None)) => Value::Dictionary(dict),
                Some(Frame::Dict(_, Some(key))) => {
                    return Err(PlistError::Malformed(format!("key `{key}` has no value")))
                }
                None => return Err(PlistError::Malformed("unbalanced collection".into())),
            },
            Event::Boolean(b) => Value::Boolean(b),
            Event::Data(d) => {
                content += d.len();
                Value::Data(d.into_owned())
            }
            Event::Date(d) => Value::Date(d),
            Event::Integer(i) => Value::Integer(i),
            Event::Real(r) => Value::Real(r),
            Event::String(s) => {
                content += s.len();
                Value::String(s.into_owned())
            }
            Event::Uid(u) => Value::Uid(u),
            _ => return Err(PlistError::Malformed("unknown plist event".into())),
        };
        if content > limits.max_content_bytes {
            return Err(PlistError::TooBig("the content size limit"));
        }
        match stack.last_mut() {
            None => return Ok(leaf),
            Some(Frame::Array(items)) => items.push(leaf),
            Some(Frame::Dict(dict, pending)) => match pending.take() {
                Some(key) => {
                    dict.insert(key, leaf);
                }
                None => match leaf {
                    Value::String(key) => *pending = Some(key),
                    _ => {
                        return Err(PlistError::Malformed(
                            "a dictionary key is not a string".into(),
                        ))
                    }
                },
            },
        }
    }
    Err(PlistError::Malformed("the property list ends early".into()))
}

/// Parses a property list whose top level must be a dictionary.
pub fn read_dictionary(bytes: &[u8], limits: PlistLimits) -> Result<Dictionary, PlistError> {
    match read(bytes, limits)? {
        Value::Dictionary(dict) => Ok(dict),
        _ => Err(PlistError::Malformed(
            "the top level is not a dictionary".into(),
        )),
    }
}

/// Converts a plist value to the JSON form snapshots use (`$data`, `$date`), bounded.
pub fn to_json(value: &Value) -> Result<serde_json::Value, PlistError> {
    lucarne_profiles::value::from_plist(value, lucarne_profiles::value::Limits::default())
        .map_err(|e| PlistError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A binary plist where array n holds array n+1 twice: 40 levels describe 2^40 values.
    pub(crate) fn plist_bomb(levels: usize) -> Vec<u8> {
        let count = levels + 1;
        let mut out = b"bplist00".to_vec();
        let mut offsets = Vec::new();
        for i in 0..levels {
            offsets.push(out.len());
            out.push(0xA2);
            out.push((i + 1) as u8);
            out.push((i + 1) as u8);
        }
        offsets.push(out.len());
        out.push(0x09); // true
        let table = out.len();
        for o in &offsets {
            out.extend_from_slice(&(*o as u16).to_be_bytes());
        }
        let mut trailer = [0u8; 32];
        trailer[6] = 2; // offset size
        trailer[7] = 1; // ref size
        trailer[8..16].copy_from_slice(&(count as u64).to_be_bytes());
        trailer[24..32].copy_from_slice(&(table as u64).to_be_bytes());
        out.extend_from_slice(&trailer);
        out
    }

    #[test]
    fn a_plist_bomb_is_refused_quickly() {
        let small = read(&plist_bomb(4), PlistLimits::default()).unwrap();
        assert_eq!(small.as_array().unwrap().len(), 2);
        assert_eq!(
            read(&plist_bomb(40), PlistLimits::default()),
            Err(PlistError::TooBig("the value count limit"))
        );
    }

    #[test]
    fn depth_and_garbage() {
        let xml = format!(
            "<plist>{}<true/>{}</plist>",
            "<array>".repeat(100),
            "</array>".repeat(100)
        );
        assert_eq!(
            read(xml.as_bytes(), PlistLimits::default()),
            Err(PlistError::TooDeep(48))
        );
        assert!(read(b"", PlistLimits::default()).is_err());
        assert!(read(b"bplist00\0\0", PlistLimits::default()).is_err());
        assert!(read_dictionary(b"<plist><array/></plist>", PlistLimits::default()).is_err());
    }
}
