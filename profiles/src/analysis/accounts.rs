//! Managed accounts and the servers that hold their data: whoever runs the server reads what
//! syncs through it.

use super::{evidence, AccountKind, Builder, ManagedAccount};
use crate::capability::{Capability, Param, Topic, Verb};
use crate::profile::{Payload, Profile};

/// Per payload type: account kind, the key holding the host, keys naming the user.
const ACCOUNTS: &[(&str, AccountKind, &str, &[&str])] = &[
    (
        "com.apple.mail.managed",
        AccountKind::Mail,
        "IncomingMailServerHostName",
        &["EmailAddress", "IncomingMailServerUsername"],
    ),
    (
        "com.apple.eas.account",
        AccountKind::Exchange,
        "Host",
        &["EmailAddress", "UserName"],
    ),
    (
        "com.apple.caldav.account",
        AccountKind::Caldav,
        "CalDAVHostName",
        &["CalDAVUsername"],
    ),
    (
        "com.apple.carddav.account",
        AccountKind::Carddav,
        "CardDAVHostName",
        &["CardDAVUsername"],
    ),
    (
        "com.apple.ldap.account",
        AccountKind::Ldap,
        "LDAPAccountHostName",
        &["LDAPAccountUserName"],
    ),
    (
        "com.apple.google-oauth",
        AccountKind::Google,
        "",
        &["EmailAddress", "AccountName"],
    ),
    (
        "com.apple.subscribedcalendar.account",
        AccountKind::SubscribedCalendar,
        "SubCalAccountHostName",
        &["SubCalAccountUsername"],
    ),
];

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    let Some((_, kind, host_key, user_keys)) =
        ACCOUNTS.iter().find(|(t, ..)| *t == payload.payload_type)
    else {
        return false;
    };
    // Google accounts live on Google's servers; the payload names no host.
    let host = if *kind == AccountKind::Google {
        Some("google.com".to_string())
    } else {
        payload
            .str(host_key)
            .filter(|h| !h.trim().is_empty())
            .map(str::to_string)
    };
    let user = user_keys
        .iter()
        .find_map(|k| payload.str(k).filter(|u| !u.trim().is_empty()))
        .map(str::to_string);
    let ev = evidence(
        profile,
        payload,
        Some(if host_key.is_empty() {
            "PayloadType"
        } else {
            host_key
        }),
        host.clone(),
    );
    let target = if payload.uuid.is_empty() {
        format!("{}/{}", profile.identifier, payload.payload_type)
    } else {
        payload.uuid.clone()
    };
    let mut account = Capability::new(
        format!("account.{}", kind.as_str()),
        Verb::Read,
        Topic::Mail,
    )
    .with_target(target.clone())
    .with_param_opt("server", host.clone().map(Param::Host))
    .with_param_opt("user", user.clone().map(Param::Name))
    .with_evidence(ev.clone());
    if *kind == AccountKind::Exchange {
        // An identity (private key and certificate) installed for the account: embedded as a
        // PKCS#12 in `Certificate`, or named by `PayloadCertificateUUID`.
        if let Some(key) = ["Certificate", "PayloadCertificateUUID"]
            .into_iter()
            .find(|k| super::present(payload.get(k)))
        {
            account = account
                .with_param("identity", Param::Term("yes".into()))
                .with_evidence(evidence(profile, payload, Some(key), None));
        }
    }
    b.push(account);
    if *kind == AccountKind::Exchange {
        // Exchange ActiveSync lets its server wipe the device by itself (remote wipe), with
        // no MDM involved.
        b.push(
            Capability::new("account.exchange-wipe", Verb::Erase, Topic::Erase)
                .with_target(target)
                .with_param_opt("server", host.clone().map(Param::Host))
                .with_evidence(ev.clone()),
        );
    }
    b.analysis.accounts.push(ManagedAccount {
        kind: *kind,
        host,
        user,
        evidence: ev,
    });
    true
}
