//! A small reader for the BER/DER subset that CMS-signed profiles use.
//!
//! Why hand-written: Lucarne needs only tag-length-value walking, OIDs, OCTET STRINGs and
//! times, but it must accept the BER forms Apple's own tools write (indefinite lengths,
//! constructed OCTET STRINGs), which strict DER crates refuse. Every read is bounds-checked
//! through `get`, lengths are limited to what the input holds, and nesting is limited to
//! [`MAX_DEPTH`], so no input can make it panic, allocate without bound or recurse deeply.

use super::CmsError;

/// Deepest nesting of constructed elements accepted. A signed profile nests about fifteen
/// levels (ContentInfo → SignedData → certificates → extensions); twice that is plenty.
pub(crate) const MAX_DEPTH: usize = 40;

/// Identifier octets of the universal tags used here (low tag number form).
pub(crate) mod tag {
    /// INTEGER.
    pub(crate) const INTEGER: u8 = 0x02;
    /// OCTET STRING, primitive.
    pub(crate) const OCTET_STRING: u8 = 0x04;
    /// OCTET STRING, constructed (BER only).
    pub(crate) const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
    /// OBJECT IDENTIFIER.
    pub(crate) const OID: u8 = 0x06;
    /// SEQUENCE / SEQUENCE OF.
    pub(crate) const SEQUENCE: u8 = 0x30;
    /// SET / SET OF.
    pub(crate) const SET: u8 = 0x31;
    /// `[0]` constructed, context-specific.
    pub(crate) const CONTEXT_0: u8 = 0xA0;
    /// `[1]` constructed, context-specific.
    pub(crate) const CONTEXT_1: u8 = 0xA1;
    /// `[0]` primitive, context-specific (IMPLICIT OCTET STRING of a subject key id).
    pub(crate) const CONTEXT_0_PRIMITIVE: u8 = 0x80;
}

/// The tag of an element: class and form bits, and the tag number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tag {
    /// The top three bits of the first identifier octet (class and constructed flag).
    pub class_and_form: u8,
    /// The tag number.
    pub number: u32,
}

impl Tag {
    /// Whether this tag is the low-tag-number identifier octet `id`.
    pub(super) fn is(self, id: u8) -> bool {
        self.number < 31 && self.class_and_form | self.number as u8 == id
    }

    /// Whether the element holds other elements.
    pub(super) fn constructed(self) -> bool {
        self.class_and_form & 0x20 != 0
    }

    /// The identifier octet as written (for messages; high tag numbers show as `..1F`).
    pub(super) fn first_octet(self) -> u8 {
        self.class_and_form | self.number.min(31) as u8
    }
}

/// One element: its tag, its content octets, and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'a> {
    /// The tag.
    pub tag: Tag,
    /// The content octets (for an indefinite length, without the end-of-contents marker).
    pub content: &'a [u8],
    /// The whole encoding: identifier, length, content (and end-of-contents).
    pub raw: &'a [u8],
    /// The length was indefinite (BER).
    pub indefinite: bool,
    /// Nesting depth of this element (0 at the top).
    depth: usize,
}

impl<'a> Element<'a> {
    /// A reader over the elements inside this one.
    pub(super) fn children(&self, what: &'static str) -> Result<Reader<'a>, CmsError> {
        if !self.tag.constructed() {
            return Err(CmsError::BadValue {
                what,
                problem: "a primitive element where a constructed one is required".into(),
            });
        }
        Reader::at_depth(self.content, self.depth + 1, what)
    }

    /// The value of an OCTET STRING, primitive or (BER) constructed of OCTET STRING pieces.
    pub(super) fn octets(
        &self,
        what: &'static str,
    ) -> Result<std::borrow::Cow<'a, [u8]>, CmsError> {
        if self.tag.is(tag::OCTET_STRING) {
            return Ok(std::borrow::Cow::Borrowed(self.content));
        }
        if !self.tag.is(tag::OCTET_STRING_CONSTRUCTED) {
            return Err(unexpected(what, "an OCTET STRING", self.tag));
        }
        let mut out = Vec::new();
        self.append_pieces(&mut out, what)?;
        Ok(std::borrow::Cow::Owned(out))
    }

    fn append_pieces(&self, out: &mut Vec<u8>, what: &'static str) -> Result<(), CmsError> {
        let mut pieces = self.children(what)?;
        while let Some(piece) = pieces.next(what)? {
            if piece.tag.is(tag::OCTET_STRING) {
                out.extend_from_slice(piece.content);
            } else if piece.tag.is(tag::OCTET_STRING_CONSTRUCTED) {
                piece.append_pieces(out, what)?;
            } else {
                return Err(unexpected(what, "an OCTET STRING piece", piece.tag));
            }
        }
        Ok(())
    }

    /// The content of a primitive element with tag `id`.
    pub(super) fn primitive(
        &self,
        id: u8,
        expected: &'static str,
        what: &'static str,
    ) -> Result<&'a [u8], CmsError> {
        if !self.tag.is(id) {
            return Err(unexpected(what, expected, self.tag));
        }
        Ok(self.content)
    }
}

/// Reads consecutive elements from a slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over top-level elements.
    pub(super) fn new(data: &'a [u8]) -> Self {
        Reader {
            data,
            pos: 0,
            depth: 0,
        }
    }

    fn at_depth(data: &'a [u8], depth: usize, what: &'static str) -> Result<Self, CmsError> {
        if depth > MAX_DEPTH {
            return Err(CmsError::TooDeep {
                what,
                limit: MAX_DEPTH,
            });
        }
        Ok(Reader {
            data,
            pos: 0,
            depth,
        })
    }

    /// Whether every element has been read.
    pub(super) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The tag of the next element without consuming it, if any.
    pub(super) fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// The next element, or `None` at the end.
    pub(super) fn next(&mut self, what: &'static str) -> Result<Option<Element<'a>>, CmsError> {
        if self.is_empty() {
            return Ok(None);
        }
        let element = read_element(self.data, self.pos, self.depth, what)?;
        self.pos += element.raw.len();
        Ok(Some(element))
    }

    /// The next element, which must exist.
    pub(super) fn element(&mut self, what: &'static str) -> Result<Element<'a>, CmsError> {
        self.next(what)?.ok_or(CmsError::Truncated { what })
    }

    /// The next element, which must carry the low-number tag `id`.
    pub(super) fn expect(
        &mut self,
        id: u8,
        expected: &'static str,
        what: &'static str,
    ) -> Result<Element<'a>, CmsError> {
        let element = self.element(what)?;
        if !element.tag.is(id) {
            return Err(unexpected(what, expected, element.tag));
        }
        Ok(element)
    }

    /// The next element if it carries the tag `id`.
    pub(super) fn optional(
        &mut self,
        id: u8,
        what: &'static str,
    ) -> Result<Option<Element<'a>>, CmsError> {
        if self.peek_tag() != Some(id) {
            return Ok(None);
        }
        self.next(what)
    }

    /// Fails when elements remain unread.
    pub(super) fn finish(&self, what: &'static str) -> Result<(), CmsError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CmsError::TrailingData { what })
        }
    }
}

/// The error for an element whose tag is not the one the structure requires.
pub(crate) fn unexpected(what: &'static str, expected: &'static str, found: Tag) -> CmsError {
    CmsError::UnexpectedTag {
        what,
        expected,
        found: found.first_octet(),
    }
}

/// Reads the element starting at `start` in `data`.
fn read_element<'a>(
    data: &'a [u8],
    start: usize,
    depth: usize,
    what: &'static str,
) -> Result<Element<'a>, CmsError> {
    let truncated = CmsError::Truncated { what };
    let first = *data.get(start).ok_or(truncated.clone())?;
    let mut pos = start + 1;
    let mut number = u32::from(first & 0x1F);
    if number == 0x1F {
        // High tag number: base-128, at most four octets (tag numbers below 2^28).
        number = 0;
        let mut octets = 0;
        loop {
            let byte = *data.get(pos).ok_or(truncated.clone())?;
            pos += 1;
            octets += 1;
            if octets > 4 {
                return Err(CmsError::BadValue {
                    what,
                    problem: "tag number too large".into(),
                });
            }
            number = (number << 7) | u32::from(byte & 0x7F);
            if byte & 0x80 == 0 {
                break;
            }
        }
    }
    let tag = Tag {
        class_and_form: first & 0xE0,
        number,
    };
    let length_octet = *data.get(pos).ok_or(truncated.clone())?;
    pos += 1;
    if length_octet == 0x80 {
        // Indefinite length: constructed only; the content runs to the end-of-contents
        // marker (two zero octets) at this level.
        if !tag.constructed() {
            return Err(CmsError::BadLength { what });
        }
        if depth >= MAX_DEPTH {
            return Err(CmsError::TooDeep {
                what,
                limit: MAX_DEPTH,
            });
        }
        let content_start = pos;
        loop {
            let (a, b) = (data.get(pos), data.get(pos + 1));
            match (a, b) {
                (Some(0), Some(0)) => break,
                (None, _) | (_, None) => return Err(truncated),
                _ => {
                    let inner = read_element(data, pos, depth + 1, what)?;
                    pos += inner.raw.len();
                }
            }
        }
        let content = data.get(content_start..pos).ok_or(truncated.clone())?;
        let raw = data.get(start..pos + 2).ok_or(truncated)?;
        return Ok(Element {
            tag,
            content,
            raw,
            indefinite: true,
            depth,
        });
    }
    let length = if length_octet < 0x80 {
        usize::from(length_octet)
    } else {
        let count = usize::from(length_octet & 0x7F);
        // 0xFF is reserved; more than four length octets would exceed any accepted input.
        if count > 4 || length_octet == 0xFF {
            return Err(CmsError::BadLength { what });
        }
        let octets = data.get(pos..pos + count).ok_or(truncated.clone())?;
        pos += count;
        octets
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    let end = pos.checked_add(length).ok_or(truncated.clone())?;
    let content = data.get(pos..end).ok_or(truncated.clone())?;
    let raw = data.get(start..end).ok_or(truncated)?;
    Ok(Element {
        tag,
        content,
        raw,
        indefinite: false,
        depth,
    })
}

/// The DER encoding of one element with a definite length.
pub(crate) fn encode(id: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    let length = content.len();
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let octets: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | octets.len() as u8);
        out.extend(octets);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_definite_and_long_lengths() {
        let mut data = vec![0x04, 0x81, 0x80];
        data.extend(std::iter::repeat_n(7u8, 0x80));
        let element = Reader::new(&data).element("test").unwrap();
        assert!(element.tag.is(tag::OCTET_STRING));
        assert_eq!(element.content.len(), 0x80);
        assert_eq!(element.raw.len(), data.len());
    }

    #[test]
    fn reads_indefinite_constructed_octet_strings() {
        // [SEQUENCE indefinite [OCTET STRING constructed indefinite "ab" "c"] EOC]
        let data = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0,
        ];
        let top = Reader::new(&data).element("test").unwrap();
        assert!(top.indefinite);
        assert_eq!(top.raw.len(), data.len());
        let octets = top.children("test").unwrap().element("test").unwrap();
        assert_eq!(&*octets.octets("test").unwrap(), b"abc");
    }

    #[test]
    fn refuses_bad_lengths_and_truncations() {
        for (data, want) in [
            (&[0x04, 0x05, 1, 2][..], "truncated"),
            (&[0x04, 0x80, 0, 0][..], "badlength"),
            (&[0x04, 0x85, 1, 1, 1, 1, 1][..], "badlength"),
            (&[0x04, 0xFF][..], "badlength"),
            (&[0x30, 0x80, 0x04, 0x00][..], "truncated"),
            (&[0x1F, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00][..], "badvalue"),
            (&[0x04][..], "truncated"),
        ] {
            let got = Reader::new(data).element("test").unwrap_err();
            let kind = match got {
                CmsError::Truncated { .. } => "truncated",
                CmsError::BadLength { .. } => "badlength",
                CmsError::BadValue { .. } => "badvalue",
                other => panic!("{other:?}"),
            };
            assert_eq!(kind, want, "{data:02x?}");
        }
    }

    #[test]
    fn refuses_nesting_deeper_than_the_limit() {
        let mut data = Vec::new();
        for _ in 0..(MAX_DEPTH + 5) {
            data.extend([0x30, 0x80]);
        }
        for _ in 0..(MAX_DEPTH + 5) {
            data.extend([0, 0]);
        }
        assert!(matches!(
            Reader::new(&data).element("test"),
            Err(CmsError::TooDeep { .. })
        ));
        let mut data = vec![0x24, 0x80];
        data.extend([0, 0]);
        let element = Reader::new(&data).element("test").unwrap();
        assert_eq!(&*element.octets("test").unwrap(), b"");
    }
}
