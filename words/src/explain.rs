//! The explanation: facts and a language → one document that every view draws (terminal,
//! web page, PDF). In the order an official needs it: who and what, then a summary that fits
//! one screen ranked by harm, what the administration cannot do (only where facts prove it),
//! the details with their evidence, and what the source could not see with how to see it.
//!
//! Capabilities that do not apply to this iPad (Shared iPad only on an ordinary iPad, commands
//! obsolete for its iPadOS, macOS-only settings) are left out; those made impossible by a
//! known fact (not supervised) are counted among what the administration cannot do.

use std::collections::BTreeSet;

use lucarne_profiles::analysis::{Analysis, Installer};
use lucarne_profiles::capability::{Capability, Param, Status, Topic, Tri};
use lucarne_profiles::catalog::catalog;
use serde::Serialize;

use crate::lang::Lang;
use crate::neutral::neutralize;
use crate::sentences::{self, message_id};
use crate::words::{Args, Words};

/// What the document explains: a device, or profile files on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A whole device snapshot.
    Device,
    /// Profile files, outside any device (`count` files).
    Files(usize),
}

/// One line of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryLine {
    /// The topic it sums up.
    pub topic: Topic,
    /// The sentence.
    pub text: String,
    /// Anchors of the detail items it rests on.
    pub refs: Vec<String>,
}

/// One statement of the details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetailItem {
    /// A stable anchor (capability id and target).
    pub anchor: String,
    /// The sentence.
    pub text: String,
    /// What must hold, as sentences (empty when nothing needs saying).
    pub conditions: Vec<String>,
    /// Whether it works on this device.
    pub status: Status,
    /// Where each supporting fact was read.
    pub evidence: Vec<String>,
}

/// The details of one topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The topic.
    pub topic: Topic,
    /// Its title.
    pub title: String,
    /// Its statements.
    pub items: Vec<DetailItem>,
}

/// The explanation of an analysis, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The language it is written in.
    pub lang: Lang,
    /// Who and what: the device, its management, its inventory.
    pub header: Vec<String>,
    /// The summary's title.
    pub summary_title: String,
    /// The summary, most harmful first.
    pub summary: Vec<SummaryLine>,
    /// What the summary says when it is empty.
    pub summary_none: String,
    /// The title of what the administration cannot do.
    pub cannot_title: String,
    /// What the administration cannot do.
    pub cannot: Vec<String>,
    /// The title of the details.
    pub details_title: String,
    /// The details, by topic, most harmful first.
    pub details: Vec<Section>,
    /// The title of what is on the device.
    pub inventory_title: String,
    /// What is on the device: its profiles (with who installed each) and the apps worth
    /// naming (managed, distributed outside the App Store, able to see the screen).
    pub inventory: Vec<String>,
    /// The title of what could not be seen.
    pub unseen_title: String,
    /// What the source could not see, and how to see it.
    pub unseen: Vec<String>,
}

/// The anchor of a capability in the details.
pub fn anchor(cap: &Capability) -> String {
    match &cap.target {
        Some(t) => format!("{}@{}", cap.id, t),
        None => cap.id.clone(),
    }
}

/// Explains `analysis` in `lang`.
pub fn explain(analysis: &Analysis, subject: Subject, lang: Lang) -> Document {
    let words = Words::new(lang);
    let shown: Vec<&Capability> = analysis
        .capabilities
        .iter()
        .filter(|c| matches!(c.status(), Status::Possible | Status::Depends))
        .collect();
    Document {
        lang,
        header: header(&words, analysis, subject),
        summary_none: words.get(match subject {
            Subject::Device => "summary-none",
            Subject::Files(_) => "summary-none-files",
        }),
        summary_title: words.get(match subject {
            Subject::Device => "summary-title",
            Subject::Files(_) => "summary-title-files",
        }),
        summary: summary(&words, analysis, &shown),
        cannot_title: words.get("cannot-title"),
        cannot: analysis
            .limits
            .iter()
            .map(|l| {
                let mut args = sentences::param_args(&words, &l.params);
                if let Some(Param::Id(right)) = l.params.get("right") {
                    let text = words.get(&message_id("right", right));
                    args = args.ours("right", text.trim_end_matches('.').to_string());
                }
                words.format(&message_id("limit", &l.id), &args)
            })
            .collect(),
        details_title: words.get("details-title"),
        details: details(&words, &shown),
        inventory_title: words.get("inventory-title"),
        inventory: inventory(&words, analysis),
        unseen_title: words.get("unseen-title"),
        unseen: analysis
            .unknowns
            .iter()
            .map(|u| {
                let mut line = words.get(&message_id("unknown", &u.id));
                if let Some(source) = u.source {
                    let id = serde_json::to_value(source)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    line.push(' ');
                    line.push_str(&words.get(&message_id("source", &id)));
                }
                line
            })
            .collect(),
    }
}

fn tri(words: &Words, value: Tri) -> String {
    words.get(value.as_str())
}

fn header(words: &Words, analysis: &Analysis, subject: Subject) -> Vec<String> {
    let mut lines = Vec::new();
    let d = &analysis.device;
    match subject {
        Subject::Files(count) => {
            lines.push(words.format("header-files", &Args::new().num("count", count as f64)));
        }
        Subject::Device if d.name.is_none() && d.model.is_none() => {
            lines.push(words.get("header-device-unknown"));
        }
        Subject::Device => {
            let unknown = words.get("unknown");
            lines.push(
                words.format(
                    "header-device",
                    &Args::new()
                        .outside("name", d.name.as_deref().unwrap_or(&unknown))
                        .outside("model", d.model.as_deref().unwrap_or(&unknown))
                        .outside("os", d.os_version.as_deref().unwrap_or(&unknown)),
                ),
            );
        }
    }
    let mdm = analysis
        .mdm
        .as_ref()
        .and_then(|m| m.host.clone().or_else(|| m.server_url.clone()));
    if subject == Subject::Device || mdm.is_some() {
        let mut args = Args::new()
            .ours("supervised", tri(words, d.supervised))
            .ours("ade", tri(words, d.ade));
        let seen = subject != Subject::Device || analysis.inventory.profiles_seen();
        args = match &mdm {
            Some(m) => args.outside("mdm", m),
            None if seen => args.select("mdm", "none"),
            None => args.select("mdm", "unknown"),
        };
        args = match &d.organisation {
            Some(o) => args.outside("organisation", o),
            None => args.select("organisation", "none"),
        };
        lines.push(words.format("header-management", &args));
    }
    if subject == Subject::Device && analysis.inventory.profiles_seen() {
        let inv = &analysis.inventory;
        let by_mdm = inv
            .profiles
            .iter()
            .all(|p| p.installed_by != Installer::Unknown)
            .then(|| {
                inv.profiles
                    .iter()
                    .filter(|p| p.installed_by == Installer::Mdm)
                    .count()
            });
        let mut args = Args::new().num("count", inv.profiles.len() as f64);
        args = match by_mdm {
            Some(n) if !inv.profiles.is_empty() => args.num("mdm", n as f64),
            _ => args.select("mdm", "unknown"),
        };
        lines.push(words.format("header-profiles", &args));
        let managed = inv
            .apps
            .iter()
            .all(|a| a.managed != Tri::Unknown)
            .then(|| inv.apps.iter().filter(|a| a.managed == Tri::Yes).count());
        let mut args = Args::new().num("count", inv.apps.len() as f64);
        args = match managed {
            Some(n) if !inv.apps.is_empty() => args.num("managed", n as f64),
            _ => args.select("managed", "unknown"),
        };
        lines.push(words.format("header-apps", &args));
    }
    if let Some(p) = &analysis.inventory.privacy {
        let unknown = words.get("unknown");
        let day = |d: &Option<String>| {
            d.as_deref()
                .map(sentences::date)
                .unwrap_or_else(|| unknown.clone())
        };
        lines.push(
            words.format(
                "header-privacy",
                &Args::new()
                    .num("apps", p.apps as f64)
                    .num("skipped", p.skipped_lines as f64)
                    .ours("from", day(&p.from))
                    .ours("to", day(&p.to)),
            ),
        );
    }
    lines
}

/// Distinct outside values of parameter `name` over `caps`, neutralised and joined.
fn joined(words: &Words, caps: &[&Capability], name: &str) -> (usize, String) {
    let mut seen = BTreeSet::new();
    let mut values = Vec::new();
    for cap in caps {
        if let Some(v) = cap.param_str(name) {
            if seen.insert(v.to_string()) {
                values.push(neutralize(v));
            }
        }
    }
    let count = values.len();
    if values.is_empty() {
        return (0, words.get("unspecified"));
    }
    let mut text = values
        .iter()
        .take(LIST_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if count > LIST_SHOWN {
        text.push(' ');
        text.push_str(&words.format(
            "term-and-more",
            &Args::new().num("count", (count - LIST_SHOWN) as f64),
        ));
    }
    (count, text)
}

/// Values named in one summary line before "and N others".
const LIST_SHOWN: usize = 3;

/// One summary line per topic (two for the screen when several means exist), most harmful
/// first; a line whose capabilities all depend on conditions says so.
fn summary(words: &Words, analysis: &Analysis, shown: &[&Capability]) -> Vec<SummaryLine> {
    let mut lines = Vec::new();
    let mut push = |topic: Topic, text: String, caps: &[&Capability]| {
        if caps.is_empty() {
            return;
        }
        let mut text = text;
        if caps.iter().all(|c| c.status() == Status::Depends) {
            let end = text.pop();
            text.push_str(&words.get("summary-conditional"));
            if let Some(end) = end {
                text.push(end);
            }
        }
        lines.push(SummaryLine {
            topic,
            text,
            refs: caps.iter().map(|c| anchor(c)).collect(),
        });
    };
    let by = |pred: &dyn Fn(&Capability) -> bool| -> Vec<&Capability> {
        shown.iter().copied().filter(|c| pred(c)).collect()
    };

    let mail = by(&|c| c.id.starts_with("account.") && c.id != "account.exchange-wipe");
    if !mail.is_empty() {
        let (_, servers) = joined(words, &mail, "server");
        let args = Args::new()
            .num("count", mail.len() as f64)
            .ours("servers", servers);
        push(Topic::Mail, words.format("summary-mail", &args), &mail);
    }

    let https = by(&|c| c.id == "traffic.https-decryption");
    if !https.is_empty() {
        let (_, servers) = joined(words, &https, "server");
        push(
            Topic::Https,
            words.format("summary-https", &Args::new().ours("servers", servers)),
            &https,
        );
    } else {
        let anchors = by(&|c| c.id == "trust.root");
        if let Some(first) = anchors.first() {
            let subject = first.param_str("subject").unwrap_or_default();
            push(
                Topic::Https,
                words.format(
                    "summary-https-anchor",
                    &Args::new().outside("subject", subject),
                ),
                &anchors,
            );
        }
    }

    // A proxy auto-configuration script chooses proxies the profile does not name: it gets a
    // line of its own, never "traffic goes through" the script's host.
    let traffic = by(&|c| {
        c.topic == Topic::Traffic
            && c.id.starts_with("traffic.")
            && c.id != "traffic.proxy-auto-config"
    });
    if !traffic.is_empty() {
        let (_, servers) = joined(words, &traffic, "server");
        push(
            Topic::Traffic,
            words.format("summary-traffic", &Args::new().ours("servers", servers)),
            &traffic,
        );
    }
    let scripts = by(&|c| c.id == "traffic.proxy-auto-config");
    if !scripts.is_empty() {
        let (_, hosts) = joined(words, &scripts, "script");
        push(
            Topic::Traffic,
            words.format(
                "summary-traffic-script",
                &Args::new().ours("scripts", hosts),
            ),
            &scripts,
        );
    }

    let tracking = by(&|c| c.id == "wifi.private-address-off");
    if !tracking.is_empty() {
        let (count, networks) = joined(words, &tracking, "network");
        push(
            Topic::Traffic,
            words.format(
                "summary-wifi-tracking",
                &Args::new()
                    .num("count", count as f64)
                    .ours("networks", networks),
            ),
            &tracking,
        );
    }

    let locate = by(&|c| c.topic == Topic::Locate);
    push(Topic::Locate, words.get("summary-locate"), &locate);

    let mdm_erase = by(&|c| c.id == "command.EraseDevice");
    let exchange = by(&|c| c.id == "account.exchange-wipe");
    let ade = by(&|c| c.id == "device.ade");
    if !mdm_erase.is_empty() || !exchange.is_empty() {
        let mut args = Args::new()
            .select("mdm", if mdm_erase.is_empty() { "no" } else { "yes" })
            .select("ade", if ade.is_empty() { "no" } else { "yes" });
        args = if exchange.is_empty() {
            args.select("exchange", "none")
        } else {
            args.ours("exchange", joined(words, &exchange, "server").1)
        };
        let caps: Vec<&Capability> = mdm_erase
            .iter()
            .chain(exchange.iter())
            .chain(ade.iter())
            .copied()
            .collect();
        push(Topic::Erase, words.format("summary-erase", &args), &caps);
    }

    let apps = by(&|c| c.topic == Topic::Apps);
    if !apps.is_empty() {
        let silent = if analysis.device.supervised == Tri::Yes {
            "yes"
        } else {
            "no"
        };
        push(
            Topic::Apps,
            words.format("summary-apps", &Args::new().select("silent", silent)),
            &apps,
        );
    }

    for app in by(&|c| c.id == "app.screen-access").into_iter().take(2) {
        let control = if app.param_str("category") == Some("remote-control") {
            "yes"
        } else {
            "no"
        };
        let name = app
            .param_str("name")
            .or(app.param_str("bundle"))
            .unwrap_or_default();
        push(
            Topic::Screen,
            words.format(
                "summary-screen-app",
                &Args::new().select("control", control).outside("name", name),
            ),
            &[app],
        );
    }
    let classroom = by(&|c| c.id.starts_with("observe.classroom"));
    if !classroom.is_empty() {
        let silent = if classroom.iter().any(|c| c.id == "observe.classroom-silent") {
            "yes"
        } else {
            "no"
        };
        push(
            Topic::Screen,
            words.format(
                "summary-screen-classroom",
                &Args::new().select("silent", silent),
            ),
            &classroom,
        );
    }
    let mirroring = by(&|c| c.id == "command.RequestMirroring");
    push(
        Topic::Screen,
        words.get("summary-screen-mirroring"),
        &mirroring,
    );

    let lock = by(&|c| c.topic == Topic::Lock);
    push(Topic::Lock, words.get("summary-lock"), &lock);

    let inventory = by(&|c| c.topic == Topic::Inventory);
    if !inventory.is_empty() {
        let apps = if inventory
            .iter()
            .any(|c| c.id == "command.InstalledApplicationList")
        {
            "yes"
        } else {
            "no"
        };
        push(
            Topic::Inventory,
            words.format("summary-inventory", &Args::new().select("apps", apps)),
            &inventory,
        );
    }

    let profile_service = by(&|c| c.id == "enrolment.profile-service");
    if !profile_service.is_empty() {
        let (_, servers) = joined(words, &profile_service, "server");
        push(
            Topic::Inventory,
            words.format(
                "summary-profile-service",
                &Args::new().ours("servers", servers),
            ),
            &profile_service,
        );
    }

    let settings = by(&|c| c.topic == Topic::Settings);
    push(Topic::Settings, words.get("summary-settings"), &settings);

    let restrict = by(&|c| c.id == "restriction.set");
    if !restrict.is_empty() {
        let evidence = restrict.iter().any(|c| {
            c.param_str("key")
                .and_then(|k| catalog().restriction(k))
                .is_some_and(|e| e.evidence_keeping)
        });
        push(
            Topic::Restrict,
            words.format(
                "summary-restrict",
                &Args::new()
                    .num("count", restrict.len() as f64)
                    .select("evidence", if evidence { "yes" } else { "no" }),
            ),
            &restrict,
        );
    }
    lines
}

fn inventory(words: &Words, analysis: &Analysis) -> Vec<String> {
    let mut lines = Vec::new();
    for p in &analysis.inventory.profiles {
        let args = Args::new()
            .outside("name", p.name.as_deref().unwrap_or(&p.identifier))
            .outside("identifier", &p.identifier)
            .select("installer", p.installed_by.as_str());
        lines.push(words.format("inventory-profile", &args));
    }
    for a in &analysis.inventory.apps {
        if !(a.managed == Tri::Yes || a.in_house || a.category.is_some()) {
            continue;
        }
        let args = Args::new()
            .outside("name", a.name.as_deref().unwrap_or(&a.bundle_id))
            .outside("bundle", &a.bundle_id)
            .select("managed", a.managed.as_str())
            .select("in-house", if a.in_house { "yes" } else { "no" });
        lines.push(words.format("inventory-app", &args));
    }
    lines
}

fn details(words: &Words, shown: &[&Capability]) -> Vec<Section> {
    let mut sections = Vec::new();
    for topic in Topic::ALL {
        let items: Vec<DetailItem> = shown
            .iter()
            .filter(|c| c.topic == topic)
            .map(|c| DetailItem {
                anchor: anchor(c),
                text: sentences::capability(words, c),
                conditions: c
                    .conditions
                    .iter()
                    .map(|k| sentences::condition(words, k))
                    .collect(),
                status: c.status(),
                evidence: c
                    .evidence
                    .iter()
                    .map(|e| sentences::evidence(words, e))
                    .collect(),
            })
            .collect();
        if !items.is_empty() {
            sections.push(Section {
                topic,
                title: words.get(&message_id("topic", topic.as_str())),
                items,
            });
        }
    }
    sections
}
