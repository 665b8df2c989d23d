//! Analysis truth, in words (issue 9, item 6): each fixture of
//! `profiles/tests/fixtures/truth/` read, analysed and explained as `lucarne inspect` does,
//! drawn as text with its details in French and English, and checked against what
//! `profiles/tests/fixtures/truth/README.md` says it must and must not say. The facts
//! themselves are checked in `profiles/tests/truth.rs`.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use lucarne_profiles::analysis::{analyze_profiles, Context};
use lucarne_profiles::parse_profile;
use lucarne_words::{explain, plain, Lang, Subject};

/// One fixture explained in one language, as `lucarne inspect --details` prints it.
struct Report {
    /// The whole text drawn: header, summary, limits, unseen, details with evidence.
    text: String,
    /// The summary block as printed.
    summary: String,
    /// What the analysis claims the administration can do: the summary and every detail item
    /// with its conditions and evidence (not what it cannot do, nor what was not seen).
    said: String,
    /// The explanation document.
    doc: lucarne_words::Document,
}

impl Report {
    /// The detail items whose sentence contains `start`, each with its conditions and
    /// evidence.
    fn item(&self, start: &str) -> String {
        let found: Vec<String> = self
            .doc
            .details
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.text.contains(start))
            .map(|i| {
                let mut parts = vec![i.text.clone()];
                parts.extend(i.conditions.iter().cloned());
                parts.extend(i.evidence.iter().cloned());
                parts.join(" ")
            })
            .collect();
        assert!(
            !found.is_empty(),
            "no item with `{start}` in\n{}",
            self.text
        );
        found.join("\n")
    }
}

fn report(name: &str, lang: Lang) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../profiles/tests/fixtures/truth")
        .join(format!("{name}.mobileconfig"));
    let profile = parse_profile(&std::fs::read(&path).unwrap()).unwrap();
    let analysis = analyze_profiles([&profile], Context::default());
    let doc = explain::explain(&analysis, Subject::Files(1), lang);
    let text = plain::draw(&doc, true);
    // No message id, placeholder or raw term may reach the reader.
    for bad in [
        "{$",
        "{ $",
        "cap-",
        "term-",
        "condition-",
        "limit-",
        "settings-",
    ] {
        assert!(!text.contains(bad), "{name} ({lang:?}): `{bad}` in\n{text}");
    }
    let summary = plain::summary_lines(&doc).join("\n");
    let mut said = vec![summary.clone()];
    for item in doc.details.iter().flat_map(|s| &s.items) {
        said.push(item.text.clone());
        said.extend(item.conditions.iter().cloned());
        said.extend(item.evidence.iter().cloned());
    }
    Report {
        text,
        summary,
        said: said.join("\n"),
        doc,
    }
}

fn fr(name: &str) -> Report {
    report(name, Lang::Fr)
}

fn en(name: &str) -> Report {
    report(name, Lang::En)
}

/// Asserts `text` contains every one of `needles` (case-sensitive).
fn says(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "`{n}` missing from\n{text}");
    }
}

/// Asserts `text` contains none of `needles` (case-insensitive).
fn never(text: &str, needles: &[&str]) {
    let lower = text.to_lowercase();
    for n in needles {
        assert!(
            !lower.contains(&n.to_lowercase()),
            "`{n}` must not be said in\n{text}"
        );
    }
}

#[test]
fn empty_proxy_is_not_active() {
    let r = fr("empty-proxy");
    never(
        &r.said,
        &["passe par le serveur mandataire", "déchiffrer", ":0"],
    );
    says(&r.said, &["ne désigne aucun serveur"]);
    let r = en("empty-proxy");
    never(&r.said, &["goes through the proxy server", "decrypt", ":0"]);
    says(&r.said, &["names no server"]);
}

#[test]
fn disabled_proxy_is_not_active() {
    for r in [fr("proxy-disabled"), en("proxy-disabled")] {
        never(&r.text, &["ancien-proxy"]);
        never(
            &r.said,
            &["mandataire", "proxy server", "déchiffrer", "decrypt"],
        );
        says(&r.said, &["Region-Bureaux", "vpn.exemple.fr"]);
    }
    says(
        &fr("proxy-disabled").said,
        &["réseau Wi-Fi «\u{202F}Region-Bureaux\u{202F}»"],
    );
    says(
        &en("proxy-disabled").said,
        &["Wi-Fi network “Region-Bureaux”"],
    );
}

#[test]
fn restriction_defaults_restrict_nothing() {
    let r = fr("restriction-defaults");
    never(&r.summary, &["interdire"]);
    never(
        &r.said,
        &["appareil photo", "captures", "sauvegarde icloud"],
    );
    let r = en("restriction-defaults");
    never(&r.summary, &["forbid"]);
    never(&r.said, &["camera", "screenshots", "icloud backup"]);
}

#[test]
fn legacy_apn_payload_is_a_proxy_path() {
    let r = fr("apn-legacy-proxy");
    says(
        &r.said,
        &[
            "proxy.operateur-exemple.fr:8080",
            "iOS 7",
            "toujours appliqué",
        ],
    );
    never(&r.text, &["ne connaît pas", "aucun proxy"]);
    let r = en("apn-legacy-proxy");
    says(
        &r.said,
        &["proxy.operateur-exemple.fr:8080", "iOS 7", "still applied"],
    );
    never(&r.text, &["does not know", "no proxy"]);
}

#[test]
fn profile_service_says_which_attributes_go_where() {
    let r = fr("profile-service");
    says(
        &r.item("inscription.exemple.fr"),
        &["numéro de série", "IMEI", "nom de l'iPad", "adresse Wi-Fi"],
    );
    never(
        &r.text,
        &[
            "ne connaît pas",
            "valable",
            "defi-inscription",
            "UDID",
            "serial",
        ],
    );
    let r = en("profile-service");
    says(
        &r.item("inscription.exemple.fr"),
        &["serial number", "IMEI", "device name"],
    );
    never(
        &r.text,
        &["does not know", "not a valid", "defi-inscription"],
    );
}

#[test]
fn scep_and_acme_name_their_enrolment_server() {
    for r in [fr("scep-acme"), en("scep-acme")] {
        says(&r.said, &["scep.exemple.fr", "acme.exemple.fr"]);
        never(
            &r.text,
            &[
                "ne connaît pas",
                "does not know",
                "defi-scep",
                "acme-client-id",
            ],
        );
    }
}

#[test]
fn web_clips_fonts_domains_notifications_and_lock_screen_are_described() {
    let r = fr("webclip-font-domains-notifications");
    says(
        &r.said,
        &[
            "intranet.exemple.fr",
            "«\u{202F}Exemple Sans\u{202F}»",
            "com.microsoft.Office.Outlook",
            // The lock-screen text is quoted as the administration's words.
            "«\u{202F}Tablette de la Région Exemple — si trouvée",
        ],
    );
    never(&r.text, &["ne connaît pas"]);
    says(
        &r.item("Tablette de la Région Exemple"),
        &["Seulement sur un iPad supervisé"],
    );
    says(
        &r.item("com.microsoft.Office.Outlook"),
        &["Seulement sur un iPad supervisé"],
    );
    let r = en("webclip-font-domains-notifications");
    says(
        &r.said,
        &[
            "“Exemple Sans”",
            "“Tablette de la Région Exemple — si trouvée",
        ],
    );
    never(&r.text, &["does not know"]);
}

#[test]
fn vpn_ikev2_is_read_from_its_own_dictionary() {
    let r = fr("vpn-ikev2-include-all");
    let vpn = r.item("vpn.exemple.fr");
    says(
        &vpn,
        &[
            "tout l'iPad",
            "de lui-même",
            "IKEv2/RemoteAddress",
            "IKEv2/IncludeAllNetworks",
        ],
    );
    never(&r.text, &["ancien-vpn", "› IPSec/", "› VPN/"]);
    let r = en("vpn-ikev2-include-all");
    says(&r.item("vpn.exemple.fr"), &["whole iPad", "by itself"]);
    never(&r.text, &["ancien-vpn", "› IPSec/", "› VPN/"]);
}

#[test]
fn vpn_ipsec_is_read_from_its_own_dictionary() {
    let r = fr("vpn-ipsec");
    says(&r.said, &["ipsec.exemple.fr"]);
    never(&r.text, &["ancien-l2tp"]);
    never(&r.said, &["tout l'iPad", "tout le trafic"]);
    let r = en("vpn-ipsec");
    never(&r.text, &["ancien-l2tp"]);
    never(&r.said, &["whole iPad", "all traffic"]);
}

#[test]
fn vpn_l2tp_is_read_from_ppp() {
    for r in [fr("vpn-l2tp"), en("vpn-l2tp")] {
        says(&r.item("l2tp.exemple.fr"), &["PPP/CommRemoteAddress"]);
        never(&r.said, &["(non précisé)", "(not specified)"]);
    }
}

#[test]
fn vpn_of_an_app_names_the_app_and_its_server() {
    for r in [fr("vpn-vendor"), en("vpn-vendor")] {
        says(&r.item("vpn-appli.exemple.fr"), &["com.exemple.vpnclient"]);
        never(&r.text, &["vt_9f3b27c1d8e44a0b"]);
    }
}

#[test]
fn always_on_vpn_needs_supervision() {
    let r = fr("vpn-always-on");
    says(
        &r.item("always-on.exemple.fr"),
        &["Seulement sur un iPad supervisé"],
    );
    never(&r.text, &["alwayson-secret"]);
    let r = en("vpn-always-on");
    says(
        &r.item("always-on.exemple.fr"),
        &["Only on a supervised iPad"],
    );
}

#[test]
fn content_filter_on_sockets_examines_connections() {
    let r = fr("content-filter-sockets");
    says(
        &r.item("com.exemple.filtre"),
        &["pas seulement les pages web", "iPadOS 16"],
    );
    never(&r.said, &["des pages web consultées"]);
    never(&r.text, &["com.exemple.filtre.packets", "paquets"]);
    let r = en("content-filter-sockets");
    says(
        &r.item("com.exemple.filtre"),
        &["not only web pages", "iPadOS 16"],
    );
    never(&r.said, &["of the web pages visited"]);
    never(&r.text, &["com.exemple.filtre.packets", "packet"]);
}

#[test]
fn content_filter_without_uuid_needs_supervision() {
    says(
        &fr("content-filter-no-uuid").item("filtre intégré"),
        &["Seulement sur un iPad supervisé"],
    );
    says(
        &en("content-filter-no-uuid").item("built-in filter"),
        &["Only on a supervised iPad"],
    );
}

#[test]
fn global_proxy_needs_supervision() {
    let r = fr("global-proxy");
    says(
        &r.item("proxy.exemple.fr:3128"),
        &["Seulement sur un iPad supervisé"],
    );
    says(&r.summary, &["(sous conditions)"]);
    never(&r.text, &["proxy-mot-de-passe"]);
    let r = en("global-proxy");
    says(
        &r.item("proxy.exemple.fr:3128"),
        &["Only on a supervised iPad"],
    );
}

#[test]
fn pac_url_is_a_script_not_a_proxy() {
    let r = fr("pac-url");
    says(&r.item("pac.exemple.fr"), &["script", "ne sont pas connus"]);
    never(
        &r.said,
        &[
            "mandataire (proxy) pac.exemple.fr",
            "par pac.exemple.fr",
            "serveur pac.exemple.fr",
        ],
    );
    let r = en("pac-url");
    says(&r.item("pac.exemple.fr"), &["script", "not known"]);
    never(
        &r.said,
        &[
            "proxy server pac.exemple.fr",
            "through pac.exemple.fr",
            "server pac.exemple.fr",
        ],
    );
}

#[test]
fn root_ca_states_its_trust_route() {
    let r = fr("ca-root");
    says(
        &r.item("Region Exemple Racine Test"),
        &[
            "Installé par le MDM",
            "installé à la main",
            "confiance totale",
        ],
    );
    never(&r.said, &["déchiffrer"]);
    says(&r.summary, &["(sous conditions)"]);
    let r = en("ca-root");
    says(
        &r.item("Region Exemple Racine Test"),
        &["by the MDM", "by hand"],
    );
    never(&r.said, &["decrypt"]);
}

#[test]
fn intermediate_ca_is_not_a_trust_anchor() {
    let r = fr("ca-intermediate");
    says(
        &r.item("Region Exemple Intermediaire Test"),
        &["Region Exemple Racine Test"],
    );
    never(
        &r.said,
        &["n'importe quel site", "déchiffrer", "tout certificat"],
    );
    let r = en("ca-intermediate");
    never(&r.said, &["any website", "decrypt", "any certificate"]);
}

#[test]
fn wifi_server_certificate_is_not_any_website() {
    let r = fr("ca-wifi-eap-only");
    says(&r.item("Region-Entreprise"), &["radius.exemple.fr"]);
    never(&r.said, &["n'importe quel site", "déchiffrer"]);
    never(&r.text, &["eap-mot-de-passe"]);
    let r = en("ca-wifi-eap-only");
    never(&r.said, &["any website", "decrypt"]);
}

#[test]
fn https_decryption_states_its_conditions() {
    let r = fr("https-decryption");
    says(
        &r.summary,
        &["Déchiffrer", "proxy.exemple.fr:3128", "(sous conditions)"],
    );
    says(
        &r.item("déchiffrer"),
        &[
            "Seulement sur un iPad supervisé",
            "confiance totale",
            "chemin que l'administration contrôle",
            "vérifient elles-mêmes le certificat",
        ],
    );
    let r = en("https-decryption");
    says(&r.summary, &["(under conditions)"]);
    says(
        &r.item("decrypt"),
        &["Only on a supervised iPad", "full trust"],
    );
}

#[test]
fn exchange_server_can_erase_by_itself() {
    let r = fr("exchange-wipe");
    says(&r.summary, &["serveur Exchange mail.exemple.fr"]);
    says(&r.item("effacer l'iPad"), &["sans passer par le MDM"]);
    never(&r.said, &["droit"]);
    never(&r.text, &["exchange-mot-de-passe"]);
    let r = en("exchange-wipe");
    says(&r.said, &["without the MDM"]);
    never(&r.said, &["right"]);
}

#[test]
fn re_enrolment_after_erase_needs_automated_enrolment() {
    let r = fr("mdm-full-rights");
    never(&r.summary, &["se réinscrit"]);
    never(&r.said, &["peut le réinscrire"]);
    says(
        &r.item("se réinscrit"),
        &["Seulement pour un iPad inscrit automatiquement"],
    );
    let r = en("mdm-full-rights");
    never(&r.summary, &["enrols itself"]);
    never(&r.said, &["can re-enrol"]);
    says(
        &r.item("enrols itself"),
        &["Only for an iPad enrolled automatically"],
    );
}

#[test]
fn supervised_only_keys_come_from_the_schema() {
    let r = fr("supervised-keys");
    for start in ["désactiver", "Salle du conseil", "Safari"] {
        says(&r.item(start), &["Seulement sur un iPad supervisé"]);
    }
    says(&r.said, &["dns.exemple.fr"]);
    let r = en("supervised-keys");
    for start in ["turn", "Salle du conseil", "Safari"] {
        says(&r.item(start), &["Only on a supervised iPad"]);
    }
}

#[test]
fn macos_only_payloads_and_keys_have_no_effect_on_an_ipad() {
    let r = fr("macos-only");
    says(&r.said, &["Region-Mac"]);
    never(
        &r.text,
        &[
            "ne connaît pas",
            "mac-mot-de-passe",
            "wifi-mac-secret",
            "SetupModes",
        ],
    );
    let r = en("macos-only");
    never(&r.text, &["does not know", "mac-mot-de-passe"]);
}

#[test]
fn outer_type_other_than_configuration_is_invalid() {
    let r = fr("outer-not-configuration");
    says(
        &r.doc.cannot.join("\n"),
        &[
            "n'est pas un profil de configuration valable",
            "«\u{202F}com.apple.applicationaccess\u{202F}»",
        ],
    );
    never(&r.text, &["appareil photo", "ne connaît pas"]);
    assert!(r.doc.details.is_empty() && r.doc.summary.is_empty());
    let r = en("outer-not-configuration");
    says(
        &r.doc.cannot.join("\n"),
        &["not a valid configuration profile"],
    );
    never(&r.text, &["camera", "does not know"]);
}

#[test]
fn wifi_names_the_network_and_says_when_the_private_address_is_off() {
    let r = fr("wifi-private-address-off");
    says(&r.said, &["Region-Elus", "adresse Wi-Fi privée"]);
    never(&r.said, &["proxy", "mandataire"]);
    never(&r.text, &["wifi-elus-secret"]);
    let r = en("wifi-private-address-off");
    says(&r.said, &["Region-Elus", "private Wi-Fi address"]);
    never(&r.said, &["proxy"]);
}

#[test]
fn plain_wifi_says_nothing_of_proxies_or_private_address() {
    let r = fr("wifi-plain");
    says(&r.said, &["Region-Invites"]);
    never(
        &r.said,
        &[
            "proxy",
            "mandataire",
            "adresse privée",
            "adresse Wi-Fi privée",
            "déchiffrer",
        ],
    );
    let r = en("wifi-plain");
    never(&r.said, &["proxy", "private", "decrypt"]);
    never(&r.text, &["wifi-invites-secret"]);
}

#[test]
fn secrets_by_content_leave_the_facts_whole() {
    let r = fr("secrets-by-content");
    says(
        &r.said,
        &[
            "mail.exemple.fr",
            "relais.exemple.fr",
            "login.exemple.fr",
            "com.exemple.sso.extension",
        ],
    );
    says(&r.item("Exchange"), &["certificat d'identité"]);
    says(
        &en("secrets-by-content").item("Exchange"),
        &["identity certificate"],
    );
}
