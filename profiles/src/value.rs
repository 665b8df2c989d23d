//! Payload values in a form that survives JSON: the snapshot carries payload contents as
//! `serde_json::Value`, so that the server, which never parses plists, runs the same analysis.
//!
//! Mapping from a property list: strings, booleans, integers and reals map to themselves;
//! `<data>` becomes `{"$data": "<base64>"}` and `<date>` becomes `{"$date": "<RFC 3339>"}`.
//! A dictionary written by an administration could itself hold a `$data` key; that only makes
//! a value look like data, which the analysis then decodes as bytes: nothing is executed.

use base64::Engine as _;
use serde_json::{Map, Value};

/// Key under which binary data is stored in JSON.
pub const DATA_KEY: &str = "$data";
/// Key under which a date is stored in JSON.
pub const DATE_KEY: &str = "$date";

/// Limits applied while converting a property list, so hostile input cannot exhaust memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of arrays and dictionaries accepted.
    pub max_depth: usize,
    /// Most values (of any kind) accepted in one document.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 32,
            max_nodes: 200_000,
        }
    }
}

/// Why a property list could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// Arrays and dictionaries nested deeper than the limit.
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// More values than the limit.
    #[error("more than {0} values")]
    TooManyValues(usize),
}

/// Converts a property-list value to JSON under `limits`.
pub fn from_plist(value: &plist::Value, limits: Limits) -> Result<Value, ValueError> {
    let mut nodes = 0usize;
    convert(value, limits, 0, &mut nodes)
}

fn convert(
    value: &plist::Value,
    limits: Limits,
    depth: usize,
    nodes: &mut usize,
) -> Result<Value, ValueError> {
    *nodes += 1;
    if *nodes > limits.max_nodes {
        return Err(ValueError::TooManyValues(limits.max_nodes));
    }
    if depth > limits.max_depth {
        return Err(ValueError::TooDeep(limits.max_depth));
    }
    Ok(match value {
        plist::Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| convert(v, limits, depth + 1, nodes))
                .collect::<Result<_, _>>()?,
        ),
        plist::Value::Dictionary(dict) => {
            let mut map = Map::new();
            for (k, v) in dict {
                map.insert(k.clone(), convert(v, limits, depth + 1, nodes)?);
            }
            Value::Object(map)
        }
        plist::Value::Boolean(b) => Value::Bool(*b),
        plist::Value::Data(bytes) => data(bytes),
        plist::Value::Date(date) => {
            let mut map = Map::new();
            map.insert(DATE_KEY.into(), Value::String(date.to_xml_format()));
            Value::Object(map)
        }
        plist::Value::Real(r) => serde_json::Number::from_f64(*r)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        plist::Value::Integer(i) => {
            if let Some(s) = i.as_signed() {
                Value::from(s)
            } else if let Some(u) = i.as_unsigned() {
                Value::from(u)
            } else {
                Value::Null
            }
        }
        plist::Value::String(s) => Value::String(s.clone()),
        plist::Value::Uid(uid) => Value::from(uid.get()),
        _ => Value::Null,
    })
}

/// Wraps bytes as a JSON data value.
pub fn data(bytes: &[u8]) -> Value {
    let mut map = Map::new();
    map.insert(
        DATA_KEY.into(),
        Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
    );
    Value::Object(map)
}

/// The bytes of a JSON data value, if `value` is one (or a string holding base64 or PEM,
/// which is how some hand-written profiles ship certificates).
pub fn as_bytes(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::Object(map) if map.len() == 1 => map
            .get(DATA_KEY)
            .and_then(Value::as_str)
            .and_then(decode_base64_lenient),
        _ => None,
    }
}

/// Decodes base64 the way Apple's plist parser does: whitespace anywhere is ignored, and
/// padding may be missing.
pub fn decode_base64_lenient(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(compact.as_bytes()))
        .ok()
}

/// A boolean the way Apple's profile code reads one: a real boolean, an integer (0 is false),
/// or the strings `true`/`false`/`YES`/`NO`/`1`/`0` that hand-written profiles contain.
pub fn as_bool_lenient(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An integer read leniently: a number, or a string holding one (`"8191"`).
pub fn as_i64_lenient(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn data_round_trips() {
        let v = from_plist(&plist::Value::Data(vec![1, 2, 3]), Limits::default()).unwrap();
        assert_eq!(as_bytes(&v), Some(vec![1, 2, 3]));
    }

    #[test]
    fn depth_is_bounded() {
        let mut v = plist::Value::Boolean(true);
        for _ in 0..40 {
            v = plist::Value::Array(vec![v]);
        }
        assert_eq!(
            from_plist(&v, Limits::default()),
            Err(ValueError::TooDeep(32))
        );
    }

    #[test]
    fn node_count_is_bounded() {
        let v = plist::Value::Array(vec![plist::Value::Boolean(true); 50]);
        let limits = Limits {
            max_depth: 4,
            max_nodes: 10,
        };
        assert_eq!(from_plist(&v, limits), Err(ValueError::TooManyValues(10)));
    }

    #[test]
    fn lenient_scalars() {
        assert_eq!(as_bool_lenient(&Value::from("YES")), Some(true));
        assert_eq!(as_bool_lenient(&Value::from(0)), Some(false));
        assert_eq!(as_i64_lenient(&Value::from("8191")), Some(8191));
        assert_eq!(decode_base64_lenient("AQ\n  ID"), Some(vec![1, 2, 3]));
    }
}
