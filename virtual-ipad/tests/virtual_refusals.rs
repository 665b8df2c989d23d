//! The virtual iPad refuses, answers with an error and reports every request outside the
//! read-only allowlist, on each of its channels (usbmux, lockdownd, MCInstall,
//! installation_proxy). This is what makes "the agent sent nothing else" checkable.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};

use lucarne::device::allowlist::AllowedService;
use lucarne::device::framing::{read_message, write_message};
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::{lockdownd, services, Knobs, VirtualIpad};
use plist::{Dictionary, Value};

fn council() -> DeviceDir {
    DeviceDir::bundled("council-ipad").unwrap()
}

fn dict(pairs: &[(&str, &str)]) -> Dictionary {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(*v)))
        .collect()
}

/// Sends `requests` on a fresh connection to a channel of the virtual iPad and returns the
/// first reply to each.
fn exchange(
    channel: Option<AllowedService>,
    requests: &[Dictionary],
) -> (Vec<Dictionary>, Vec<String>) {
    let shared = lucarne_virtual_ipad::shared(
        vec![council()],
        Knobs {
            mcinstall_ssl: false,
            ..Knobs::default()
        },
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let replies = rt.block_on(async {
        let (mut client, server) = tokio::io::duplex(1 << 20);
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            let _ = match channel {
                None => lockdownd::serve(Box::new(server), serving, 1).await,
                Some(s) => services::serve(Box::new(server), serving, 1, s).await,
            };
        });
        let mut replies = Vec::new();
        for r in requests {
            write_message(&mut client, r).await.unwrap();
            replies.push(read_message(&mut client).await.unwrap().unwrap());
        }
        drop(client);
        task.await.unwrap();
        replies
    });
    let refused = shared
        .requests()
        .into_iter()
        .filter(|r| r.refused.is_some())
        .map(|r| r.request)
        .collect();
    (replies, refused)
}

#[test]
fn lockdownd_refuses_writes_and_other_services() {
    let (replies, refused) = exchange(
        None,
        &[
            dict(&[
                ("Request", "SetValue"),
                ("Key", "DeviceName"),
                ("Value", "x"),
            ]),
            dict(&[("Request", "Pair")]),
            dict(&[("Request", "EnterRecovery")]),
            dict(&[
                ("Request", "StartService"),
                ("Service", "com.apple.mobilebackup2"),
            ]),
            dict(&[("Request", "GetValue"), ("Key", "ProductVersion")]),
        ],
    );
    for r in &replies[..4] {
        assert_eq!(
            r.get("Error").and_then(Value::as_string),
            Some("NotAllowed"),
            "{r:?}"
        );
    }
    assert_eq!(
        replies[4].get("Value").and_then(Value::as_string),
        Some("18.1"),
        "allowed requests still answered"
    );
    assert_eq!(
        refused,
        ["SetValue", "Pair", "EnterRecovery", "StartService"]
    );
}

#[test]
fn lockdownd_without_session_answers_only_the_basic_values() {
    let (replies, refused) = exchange(
        None,
        &[
            dict(&[("Request", "GetValue"), ("Key", "SerialNumber")]),
            dict(&[
                ("Request", "StartService"),
                ("Service", AllowedService::McInstall.name()),
            ]),
        ],
    );
    assert_eq!(
        replies[0].get("Error").and_then(Value::as_string),
        Some("GetProhibited")
    );
    assert_eq!(
        replies[1].get("Error").and_then(Value::as_string),
        Some("SessionInactive")
    );
    assert!(refused.is_empty());
}

#[test]
fn mcinstall_refuses_everything_but_the_two_reads() {
    let (replies, refused) = exchange(
        Some(AllowedService::McInstall),
        &[
            dict(&[("RequestType", "EraseDevice")]),
            dict(&[("RequestType", "InstallProfile")]),
            dict(&[
                ("RequestType", "RemoveProfile"),
                ("ProfileIdentifier", "fr.region-exemple.mdm"),
            ]),
            dict(&[("RequestType", "GetProfileList")]),
        ],
    );
    for r in &replies[..3] {
        assert_eq!(
            r.get("Status").and_then(Value::as_string),
            Some("Error"),
            "{r:?}"
        );
        assert!(r.contains_key("ErrorChain"));
    }
    assert_eq!(
        replies[3].get("Status").and_then(Value::as_string),
        Some("Acknowledged")
    );
    assert_eq!(refused, ["EraseDevice", "InstallProfile", "RemoveProfile"]);
}

#[test]
fn installation_proxy_refuses_installs_and_hides_lucarne_keys() {
    let mut lookup = dict(&[("Command", "Lookup")]);
    lookup.insert(
        "ClientOptions".into(),
        Value::Dictionary(dict(&[("ApplicationType", "User")])),
    );
    let (replies, refused) = exchange(
        Some(AllowedService::InstallationProxy),
        &[
            dict(&[
                ("Command", "Uninstall"),
                ("ApplicationIdentifier", "fr.gouv.tchap"),
            ]),
            dict(&[("Command", "Install"), ("PackagePath", "/x.ipa")]),
            lookup,
        ],
    );
    assert_eq!(
        replies[0].get("Error").and_then(Value::as_string),
        Some("NotAllowed")
    );
    assert_eq!(refused, ["Uninstall", "Install"]);
    let result = replies[2]
        .get("LookupResult")
        .and_then(Value::as_dictionary)
        .unwrap();
    assert!(result.contains_key("fr.region-exemple.deliberations"));
    assert!(
        !result.contains_key("com.apple.mobilesafari"),
        "User apps only"
    );
    assert!(result
        .values()
        .filter_map(Value::as_dictionary)
        .all(|a| !a.contains_key("LucarneManagedByMDM")));
}

#[test]
fn usbmux_refuses_pair_record_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let ipad = VirtualIpad::start(
        &tmp.path().join("usbmuxd"),
        vec![council()],
        Knobs::default(),
    )
    .unwrap();
    let mut socket = std::os::unix::net::UnixStream::connect(ipad.socket()).unwrap();
    let mut body = Vec::new();
    plist::to_writer_xml(
        &mut body,
        &dict(&[("MessageType", "DeletePairRecord"), ("PairRecordID", "x")]),
    )
    .unwrap();
    let mut packet = Vec::new();
    for word in [body.len() as u32 + 16, 1, 8, 7] {
        packet.extend_from_slice(&word.to_le_bytes());
    }
    packet.extend_from_slice(&body);
    socket.write_all(&packet).unwrap();
    let mut header = [0u8; 16];
    socket.read_exact(&mut header).unwrap();
    let len = u32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
    assert_eq!(
        u32::from_le_bytes(header[12..].try_into().unwrap()),
        7,
        "tag echoed"
    );
    let mut reply = vec![0u8; len - 16];
    socket.read_exact(&mut reply).unwrap();
    let reply: Dictionary = plist::from_bytes(&reply).unwrap();
    assert_eq!(
        reply.get("Number").and_then(Value::as_unsigned_integer),
        Some(1)
    );
    let refused: Vec<_> = ipad.refused().into_iter().map(|r| r.request).collect();
    assert_eq!(refused, ["DeletePairRecord"]);
}
