//! The usbmuxd protocol, server side. Every message has a 16-byte little-endian header
//! (total length including the header, version 1, message type 8 = plist, tag) and an XML
//! plist body; replies carry the request's tag. Messages: `ListDevices`, `Listen`,
//! `ReadPairRecord`, `ReadBUID`, and `Connect` (port in network byte order), after which the
//! socket becomes a raw tunnel to the device port (62078 = lockdownd, or a started service).

use std::sync::Arc;

use plist::{Dictionary, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use crate::{lockdownd, services, Shared};

/// lockdownd's port on a device.
pub const LOCKDOWN_PORT: u16 = 62078;
/// usbmuxd's plist protocol version.
const VERSION_PLIST: u32 = 1;
/// usbmuxd's plist message type.
const MESSAGE_PLIST: u32 = 8;
/// Largest usbmuxd message accepted.
const MAX_MUX_MESSAGE: usize = 1024 * 1024;

/// usbmuxd result codes.
pub mod result {
    /// Success.
    pub const OK: u64 = 0;
    /// Bad command.
    pub const BAD_COMMAND: u64 = 1;
    /// No such device (or no pair record for it).
    pub const BAD_DEVICE: u64 = 2;
    /// Connection refused by the device.
    pub const CONNECTION_REFUSED: u64 = 3;
}

/// Accepts usbmuxd clients forever.
pub async fn accept_loop(listener: UnixListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = client(stream, shared).await;
        });
    }
}

async fn read_packet(stream: &mut UnixStream) -> std::io::Result<Option<(u32, Dictionary)>> {
    let mut header = [0u8; 16];
    match stream.read_exact(&mut header).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let word =
        |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let (len, version, message, tag) = (word(0) as usize, word(4), word(8), word(12));
    if !(16..=MAX_MUX_MESSAGE).contains(&len)
        || version != VERSION_PLIST
        || message != MESSAGE_PLIST
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("unsupported usbmux packet (length {len}, version {version}, type {message})"),
        ));
    }
    let mut body = vec![0u8; len - 16];
    stream.read_exact(&mut body).await?;
    let dict = plist::from_bytes::<Dictionary>(&body)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    Ok(Some((tag, dict)))
}

async fn write_packet(stream: &mut UnixStream, tag: u32, body: &Dictionary) -> std::io::Result<()> {
    let mut xml = Vec::new();
    plist::to_writer_xml(&mut xml, body)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    let len = u32::try_from(xml.len() + 16)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "reply too large"))?;
    let mut out = Vec::with_capacity(xml.len() + 16);
    for word in [len, VERSION_PLIST, MESSAGE_PLIST, tag] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.extend_from_slice(&xml);
    stream.write_all(&out).await
}

fn result_message(number: u64) -> Dictionary {
    let mut d = Dictionary::new();
    d.insert("MessageType".into(), "Result".into());
    d.insert("Number".into(), number.into());
    d
}

fn device_entry(id: u32, udid: &str) -> Dictionary {
    let mut props = Dictionary::new();
    props.insert("ConnectionSpeed".into(), 480_000_000u64.into());
    props.insert("ConnectionType".into(), "USB".into());
    props.insert("DeviceID".into(), u64::from(id).into());
    props.insert("LocationID".into(), (0x1100_0000u64 + u64::from(id)).into());
    props.insert("ProductID".into(), 0x12abu64.into());
    props.insert("SerialNumber".into(), udid.into());
    props.insert("USBSerialNumber".into(), udid.replace('-', "").into());
    let mut d = Dictionary::new();
    d.insert("DeviceID".into(), u64::from(id).into());
    d.insert("MessageType".into(), "Attached".into());
    d.insert("Properties".into(), Value::Dictionary(props));
    d
}

async fn client(mut stream: UnixStream, shared: Arc<Shared>) -> std::io::Result<()> {
    while let Some((tag, request)) = read_packet(&mut stream).await? {
        let kind = request
            .get("MessageType")
            .and_then(Value::as_string)
            .unwrap_or("")
            .to_string();
        match kind.as_str() {
            "ListDevices" => {
                shared.record("usbmux", &kind, None);
                let list = shared
                    .devices
                    .iter()
                    .map(|d| Value::Dictionary(device_entry(d.device_id, d.udid())))
                    .collect();
                let mut reply = Dictionary::new();
                reply.insert("DeviceList".into(), Value::Array(list));
                write_packet(&mut stream, tag, &reply).await?;
            }
            "Listen" => {
                shared.record("usbmux", &kind, None);
                write_packet(&mut stream, tag, &result_message(result::OK)).await?;
                for d in &shared.devices {
                    write_packet(&mut stream, 0, &device_entry(d.device_id, d.udid())).await?;
                }
                // Keep the subscription open until the client leaves.
                let mut sink = [0u8; 256];
                while stream.read(&mut sink).await? > 0 {}
                return Ok(());
            }
            "ReadBUID" => {
                shared.record("usbmux", &kind, None);
                let mut reply = Dictionary::new();
                reply.insert("BUID".into(), shared.buid.as_str().into());
                write_packet(&mut stream, tag, &reply).await?;
            }
            "ReadPairRecord" => {
                shared.record("usbmux", &kind, None);
                let id = request
                    .get("PairRecordID")
                    .and_then(Value::as_string)
                    .unwrap_or("");
                let device = shared.devices.iter().find(|d| d.udid() == id);
                match device {
                    Some(d) if !shared.unpaired() => {
                        let mut bytes = Vec::new();
                        plist::to_writer_xml(&mut bytes, &d.pair.record).map_err(|e| {
                            std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
                        })?;
                        let mut reply = Dictionary::new();
                        reply.insert("PairRecordData".into(), Value::Data(bytes));
                        write_packet(&mut stream, tag, &reply).await?;
                    }
                    _ => {
                        write_packet(&mut stream, tag, &result_message(result::BAD_DEVICE)).await?
                    }
                }
            }
            "Connect" => {
                shared.record("usbmux", &kind, None);
                let id = request
                    .get("DeviceID")
                    .and_then(Value::as_unsigned_integer)
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(0);
                // The port travels in network byte order (htons) inside the integer.
                let port = request
                    .get("PortNumber")
                    .and_then(Value::as_unsigned_integer)
                    .and_then(|n| u16::try_from(n).ok())
                    .map(u16::from_be)
                    .unwrap_or(0);
                if shared.device(id).is_none() {
                    write_packet(&mut stream, tag, &result_message(result::BAD_DEVICE)).await?;
                    continue;
                }
                if port == LOCKDOWN_PORT {
                    write_packet(&mut stream, tag, &result_message(result::OK)).await?;
                    return lockdownd::serve(Box::new(stream), shared, id).await;
                }
                match shared.take_service(id, port) {
                    Some(service) => {
                        write_packet(&mut stream, tag, &result_message(result::OK)).await?;
                        return services::serve(Box::new(stream), shared, id, service).await;
                    }
                    None => {
                        write_packet(
                            &mut stream,
                            tag,
                            &result_message(result::CONNECTION_REFUSED),
                        )
                        .await?
                    }
                }
            }
            _ => {
                // SavePairRecord, DeletePairRecord and anything else change the host or
                // device state: refused.
                shared.record(
                    "usbmux",
                    &kind,
                    Some(format!("usbmux `{kind}` is not on the read-only allowlist")),
                );
                write_packet(&mut stream, tag, &result_message(result::BAD_COMMAND)).await?;
            }
        }
    }
    Ok(())
}
