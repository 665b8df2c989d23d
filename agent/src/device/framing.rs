//! The lockdown "plist service" framing: a 4-byte big-endian length, then that many bytes of
//! property list (XML when we send; XML or binary accepted on receipt). Shared by our
//! MCInstall client and by the virtual iPad's lockdownd and services.

use plist::Dictionary;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Largest message accepted (an installation_proxy chunk or a profile list with payloads).
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024 * 1024;

/// Why a framed message could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The connection failed or closed.
    #[error("connection: {0}")]
    Io(#[from] std::io::Error),
    /// The announced length is larger than [`MAX_MESSAGE_BYTES`].
    #[error("message of {0} bytes is larger than the {MAX_MESSAGE_BYTES} bytes accepted")]
    TooLarge(usize),
    /// The body is not a property-list dictionary.
    #[error("not a property-list dictionary: {0}")]
    NotAPlist(String),
}

/// The bytes of one framed message.
pub fn encode(message: &Dictionary) -> Result<Vec<u8>, FrameError> {
    let mut body = Vec::new();
    plist::to_writer_xml(&mut body, message).map_err(|e| FrameError::NotAPlist(e.to_string()))?;
    let len = u32::try_from(body.len()).map_err(|_| FrameError::TooLarge(body.len()))?;
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// The body length announced by a header, checked against [`MAX_MESSAGE_BYTES`].
pub fn body_len(header: [u8; 4]) -> Result<usize, FrameError> {
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_MESSAGE_BYTES {
        return Err(FrameError::TooLarge(len));
    }
    Ok(len)
}

/// Parses a message body (XML or binary plist) as a dictionary.
pub fn decode(body: &[u8]) -> Result<Dictionary, FrameError> {
    plist::from_bytes::<Dictionary>(body).map_err(|e| FrameError::NotAPlist(e.to_string()))
}

/// Writes one framed message.
pub async fn write_message<W: AsyncWrite + Unpin + ?Sized>(
    w: &mut W,
    message: &Dictionary,
) -> Result<(), FrameError> {
    w.write_all(&encode(message)?).await?;
    w.flush().await?;
    Ok(())
}

/// Reads one framed message; `Ok(None)` on a clean end of stream before a header.
pub async fn read_message<R: AsyncRead + Unpin + ?Sized>(
    r: &mut R,
) -> Result<Option<Dictionary>, FrameError> {
    let mut header = [0u8; 4];
    match r.read_exact(&mut header).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = body_len(header)?;
    let mut body = vec![0u8; len];
    r.read_exact(&mut body).await?;
    decode(&body).map(Some)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn round_trip_and_bounds() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut msg = Dictionary::new();
            msg.insert("RequestType".into(), "GetProfileList".into());
            let bytes = encode(&msg).unwrap();
            assert_eq!(
                u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize,
                bytes.len() - 4
            );
            let mut r = &bytes[..];
            assert_eq!(read_message(&mut r).await.unwrap(), Some(msg));
            assert!(read_message(&mut r).await.unwrap().is_none());

            let mut huge = &(u32::MAX).to_be_bytes()[..];
            assert!(matches!(
                read_message(&mut huge).await,
                Err(FrameError::TooLarge(_))
            ));
            let mut garbage = Vec::from(3u32.to_be_bytes());
            garbage.extend_from_slice(b"abc");
            assert!(matches!(
                read_message(&mut &garbage[..]).await,
                Err(FrameError::NotAPlist(_))
            ));
        });
    }
}
