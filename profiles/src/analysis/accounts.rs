//! Managed accounts and the servers that hold their data: whoever runs the server reads what
//! syncs through it.

use super::templates::{same, templates};
use super::{evidence, AccountKind, Builder, ManagedAccount};
use crate::profile::{Payload, Profile};

/// Per payload type: account kind, template, the key holding the host, keys naming the user.
const ACCOUNTS: &[(&str, AccountKind, &str, &str, &[&str])] = &[
    (
        "com.apple.mail.managed",
        AccountKind::Mail,
        "account.mail",
        "IncomingMailServerHostName",
        &["EmailAddress", "IncomingMailServerUsername"],
    ),
    (
        "com.apple.eas.account",
        AccountKind::Exchange,
        "account.exchange",
        "Host",
        &["EmailAddress", "UserName"],
    ),
    (
        "com.apple.caldav.account",
        AccountKind::Caldav,
        "account.caldav",
        "CalDAVHostName",
        &["CalDAVUsername"],
    ),
    (
        "com.apple.carddav.account",
        AccountKind::Carddav,
        "account.carddav",
        "CardDAVHostName",
        &["CardDAVUsername"],
    ),
    (
        "com.apple.ldap.account",
        AccountKind::Ldap,
        "account.ldap",
        "LDAPAccountHostName",
        &["LDAPAccountUserName"],
    ),
    (
        "com.apple.google-oauth",
        AccountKind::Google,
        "account.google",
        "",
        &["EmailAddress", "AccountName"],
    ),
    (
        "com.apple.subscribedcalendar.account",
        AccountKind::SubscribedCalendar,
        "account.subscribed-calendar",
        "SubCalAccountHostName",
        &["SubCalAccountUsername"],
    ),
];

pub(super) fn read(b: &mut Builder, profile: &Profile, payload: &Payload) -> bool {
    let Some((_, kind, template, host_key, user_keys)) =
        ACCOUNTS.iter().find(|(t, ..)| *t == payload.payload_type)
    else {
        return false;
    };
    let t = templates();
    // Google accounts live on Google's servers; the payload names no host.
    let host = if *kind == AccountKind::Google {
        Some("google.com".to_string())
    } else {
        payload.str(host_key).map(str::to_string)
    };
    let user = user_keys
        .iter()
        .find_map(|k| payload.str(k))
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
    let unspecified = t.word("unspecified", &[]);
    let host_text = host
        .clone()
        .map(same)
        .unwrap_or_else(|| unspecified.clone());
    let user_text = user.clone().map(same).unwrap_or(unspecified);
    b.push(t.capability(
        template,
        &[("host", &host_text), ("user", &user_text)],
        false,
        vec![ev.clone()],
    ));
    b.analysis.accounts.push(ManagedAccount {
        kind: *kind,
        host,
        user,
        evidence: ev,
    });
    true
}
