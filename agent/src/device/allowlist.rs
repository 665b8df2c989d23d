//! The read-only allowlist: every request the agent may send to an iPad, as closed enums.
//!
//! Our own clients can only build requests from these types, so a request that changes the
//! device cannot be written in this code base. The virtual iPad uses the same types the other
//! way round ([`LockdownRequest::parse`], …) to classify what it receives: anything that does
//! not parse is refused and reported.

use plist::{Dictionary, Value};

/// The lockdown services the agent may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AllowedService {
    /// `com.apple.mobile.MCInstall`: configuration profiles and cloud configuration.
    McInstall,
    /// `com.apple.mobile.installation_proxy`: installed apps.
    InstallationProxy,
}

impl AllowedService {
    /// Every allowed service.
    pub const ALL: [AllowedService; 2] =
        [AllowedService::McInstall, AllowedService::InstallationProxy];

    /// The lockdown service name.
    pub fn name(self) -> &'static str {
        match self {
            AllowedService::McInstall => "com.apple.mobile.MCInstall",
            AllowedService::InstallationProxy => "com.apple.mobile.installation_proxy",
        }
    }

    /// The service with that lockdown name, if it is allowed.
    pub fn from_name(name: &str) -> Option<AllowedService> {
        AllowedService::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// Why a received request is outside the allowlist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The message is not a dictionary or lacks its request name.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// The request name is not on the allowlist.
    #[error("request `{0}` is not on the read-only allowlist")]
    NotAllowed(String),
    /// A `StartService` for a service that is not on the allowlist.
    #[error("service `{0}` is not on the read-only allowlist")]
    ServiceNotAllowed(String),
}

fn string(dict: &Dictionary, key: &str) -> Option<String> {
    dict.get(key).and_then(Value::as_string).map(str::to_owned)
}

fn named(dict: &Dictionary, key: &str) -> Result<String, Refusal> {
    string(dict, key).ok_or_else(|| Refusal::Malformed(format!("no `{key}` string")))
}

/// A lockdownd request the agent may send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockdownRequest {
    /// `QueryType`: which daemon answers.
    QueryType,
    /// `GetValue`, of one key or a whole domain.
    GetValue {
        /// Domain, `None` for the default one.
        domain: Option<String>,
        /// Key, `None` for the whole domain.
        key: Option<String>,
    },
    /// `StartSession` with the host's existing pair record.
    StartSession {
        /// `HostID` of the pair record.
        host_id: String,
        /// `SystemBUID` of the pair record.
        system_buid: String,
    },
    /// `StartService` for an allowed service.
    StartService(AllowedService),
    /// `StopSession`.
    StopSession {
        /// The session to stop.
        session_id: String,
    },
}

impl LockdownRequest {
    /// The `Request` name.
    pub fn name(&self) -> &'static str {
        match self {
            LockdownRequest::QueryType => "QueryType",
            LockdownRequest::GetValue { .. } => "GetValue",
            LockdownRequest::StartSession { .. } => "StartSession",
            LockdownRequest::StartService(_) => "StartService",
            LockdownRequest::StopSession { .. } => "StopSession",
        }
    }

    /// The request as lockdownd expects it.
    pub fn to_plist(&self, label: &str) -> Dictionary {
        let mut d = Dictionary::new();
        d.insert("Label".into(), label.into());
        d.insert("Request".into(), self.name().into());
        match self {
            LockdownRequest::QueryType => {}
            LockdownRequest::GetValue { domain, key } => {
                if let Some(domain) = domain {
                    d.insert("Domain".into(), domain.as_str().into());
                }
                if let Some(key) = key {
                    d.insert("Key".into(), key.as_str().into());
                }
            }
            LockdownRequest::StartSession {
                host_id,
                system_buid,
            } => {
                d.insert("ProtocolVersion".into(), "2".into());
                d.insert("HostID".into(), host_id.as_str().into());
                d.insert("SystemBUID".into(), system_buid.as_str().into());
            }
            LockdownRequest::StartService(service) => {
                d.insert("Service".into(), service.name().into());
            }
            LockdownRequest::StopSession { session_id } => {
                d.insert("SessionID".into(), session_id.as_str().into());
            }
        }
        d
    }

    /// Classifies a received lockdownd request (used by the virtual iPad).
    pub fn parse(dict: &Dictionary) -> Result<LockdownRequest, Refusal> {
        let name = named(dict, "Request")?;
        Ok(match name.as_str() {
            "QueryType" => LockdownRequest::QueryType,
            "GetValue" => LockdownRequest::GetValue {
                domain: string(dict, "Domain"),
                key: string(dict, "Key"),
            },
            "StartSession" => LockdownRequest::StartSession {
                host_id: named(dict, "HostID")?,
                system_buid: string(dict, "SystemBUID").unwrap_or_default(),
            },
            "StartService" => {
                let service = named(dict, "Service")?;
                LockdownRequest::StartService(
                    AllowedService::from_name(&service)
                        .ok_or(Refusal::ServiceNotAllowed(service))?,
                )
            }
            "StopSession" => LockdownRequest::StopSession {
                session_id: string(dict, "SessionID").unwrap_or_default(),
            },
            _ => return Err(Refusal::NotAllowed(name)),
        })
    }
}

/// A `com.apple.mobile.MCInstall` request the agent may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum McInstallRequest {
    /// `GetProfileList`: installed profiles.
    GetProfileList,
    /// `GetCloudConfiguration`: supervision and enrolment.
    GetCloudConfiguration,
}

impl McInstallRequest {
    /// The `RequestType` name.
    pub fn name(self) -> &'static str {
        match self {
            McInstallRequest::GetProfileList => "GetProfileList",
            McInstallRequest::GetCloudConfiguration => "GetCloudConfiguration",
        }
    }

    /// The request as MCInstall expects it.
    pub fn to_plist(self) -> Dictionary {
        let mut d = Dictionary::new();
        d.insert("RequestType".into(), self.name().into());
        d
    }

    /// Classifies a received MCInstall request (used by the virtual iPad).
    pub fn parse(dict: &Dictionary) -> Result<McInstallRequest, Refusal> {
        let name = named(dict, "RequestType")?;
        match name.as_str() {
            "GetProfileList" => Ok(McInstallRequest::GetProfileList),
            "GetCloudConfiguration" => Ok(McInstallRequest::GetCloudConfiguration),
            _ => Err(Refusal::NotAllowed(name)),
        }
    }
}

/// An installation_proxy request the agent may send.
#[derive(Debug, Clone, PartialEq)]
pub enum InstallationProxyRequest {
    /// `Browse`: list apps, streamed in chunks.
    Browse {
        /// `ClientOptions` (`ApplicationType`, `ReturnAttributes`, …).
        options: Dictionary,
    },
    /// `Lookup`: apps by type or bundle identifier, in one reply.
    Lookup {
        /// `ClientOptions`.
        options: Dictionary,
    },
}

impl InstallationProxyRequest {
    /// The `Command` name.
    pub fn name(&self) -> &'static str {
        match self {
            InstallationProxyRequest::Browse { .. } => "Browse",
            InstallationProxyRequest::Lookup { .. } => "Lookup",
        }
    }

    /// The `ClientOptions` of the request.
    pub fn options(&self) -> &Dictionary {
        match self {
            InstallationProxyRequest::Browse { options }
            | InstallationProxyRequest::Lookup { options } => options,
        }
    }

    /// The request as installation_proxy expects it.
    pub fn to_plist(&self) -> Dictionary {
        let mut d = Dictionary::new();
        d.insert("Command".into(), self.name().into());
        d.insert(
            "ClientOptions".into(),
            Value::Dictionary(self.options().clone()),
        );
        d
    }

    /// Classifies a received installation_proxy request (used by the virtual iPad).
    pub fn parse(dict: &Dictionary) -> Result<InstallationProxyRequest, Refusal> {
        let name = named(dict, "Command")?;
        let options = dict
            .get("ClientOptions")
            .and_then(Value::as_dictionary)
            .cloned()
            .unwrap_or_default();
        match name.as_str() {
            "Browse" => Ok(InstallationProxyRequest::Browse { options }),
            "Lookup" => Ok(InstallationProxyRequest::Lookup { options }),
            _ => Err(Refusal::NotAllowed(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn dict(pairs: &[(&str, &str)]) -> Dictionary {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect()
    }

    #[test]
    fn every_request_we_build_parses_back_to_itself() {
        let lockdown = [
            LockdownRequest::QueryType,
            LockdownRequest::GetValue {
                domain: Some("com.apple.mobile.chaperone".into()),
                key: None,
            },
            LockdownRequest::StartSession {
                host_id: "H".into(),
                system_buid: "B".into(),
            },
            LockdownRequest::StartService(AllowedService::McInstall),
            LockdownRequest::StartService(AllowedService::InstallationProxy),
            LockdownRequest::StopSession {
                session_id: "S".into(),
            },
        ];
        for r in lockdown {
            assert_eq!(LockdownRequest::parse(&r.to_plist("lucarne")).unwrap(), r);
        }
        for r in [
            McInstallRequest::GetProfileList,
            McInstallRequest::GetCloudConfiguration,
        ] {
            assert_eq!(McInstallRequest::parse(&r.to_plist()).unwrap(), r);
        }
        let browse = InstallationProxyRequest::Browse {
            options: dict(&[("ApplicationType", "Any")]),
        };
        assert_eq!(
            InstallationProxyRequest::parse(&browse.to_plist()).unwrap(),
            browse
        );
    }

    #[test]
    fn writes_and_dangerous_requests_are_refused() {
        for name in [
            "SetValue",
            "RemoveValue",
            "Pair",
            "Unpair",
            "EnterRecovery",
            "Goodbye",
        ] {
            assert_eq!(
                LockdownRequest::parse(&dict(&[("Request", name)])),
                Err(Refusal::NotAllowed(name.into()))
            );
        }
        for service in [
            "com.apple.mobilebackup2",
            "com.apple.afc",
            "com.apple.mobile.diagnostics_relay",
        ] {
            assert_eq!(
                LockdownRequest::parse(&dict(&[("Request", "StartService"), ("Service", service)])),
                Err(Refusal::ServiceNotAllowed(service.into()))
            );
        }
        for name in [
            "InstallProfile",
            "RemoveProfile",
            "EraseDevice",
            "Escalate",
            "SetCloudConfiguration",
            "HelloHostIdentifier",
            "Flush",
        ] {
            assert_eq!(
                McInstallRequest::parse(&dict(&[("RequestType", name)])),
                Err(Refusal::NotAllowed(name.into()))
            );
        }
        for name in ["Install", "Upgrade", "Uninstall", "Archive", "Restore"] {
            assert_eq!(
                InstallationProxyRequest::parse(&dict(&[("Command", name)])),
                Err(Refusal::NotAllowed(name.into()))
            );
        }
        assert!(matches!(
            LockdownRequest::parse(&Dictionary::new()),
            Err(Refusal::Malformed(_))
        ));
    }
}
