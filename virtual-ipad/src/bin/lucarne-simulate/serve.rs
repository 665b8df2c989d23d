//! `lucarne-simulate serve --socket PATH --device DIR...`: runs a virtual iPad (usbmuxd on a
//! Unix socket) answering from device directories, for demonstrations and for testing clients
//! (`USBMUXD_SOCKET_ADDRESS=UNIX:PATH lucarne scan`, `… ideviceinfo`). Runs until interrupted.

use std::path::PathBuf;

use anyhow::Context as _;

use lucarne::device::allowlist::AllowedService;
use lucarne_virtual_ipad::devicedir::DeviceDir;
use lucarne_virtual_ipad::Knobs;

/// Arguments of `lucarne-simulate serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Path of the usbmuxd socket to create.
    #[arg(long)]
    pub socket: PathBuf,
    /// Device directories (format: `virtual-ipad/DEVICEDIR.md`), e.g.
    /// `virtual-ipad/devices/council-ipad`; one device each.
    #[arg(long = "device", required = true)]
    pub devices: Vec<PathBuf>,
    /// The device is locked (`PasswordProtected`).
    #[arg(long)]
    pub locked: bool,
    /// The host has no pair record (Trust never tapped).
    #[arg(long)]
    pub unpaired: bool,
    /// The administration forbids pairing with new computers.
    #[arg(long)]
    pub forbid_pairing: bool,
    /// A service the device lacks (`com.apple.mobile.MCInstall` or
    /// `com.apple.mobile.installation_proxy`); repeatable.
    #[arg(long = "missing-service")]
    pub missing_services: Vec<String>,
    /// Drop every connection after this many device messages (cable pulled).
    #[arg(long)]
    pub drop_after: Option<usize>,
    /// `GetProfileList` without the profiles' payloads.
    #[arg(long)]
    pub no_payloads_in_list: bool,
    /// Print every request received on standard error.
    #[arg(long)]
    pub log: bool,
}

impl ServeArgs {
    /// The knobs these arguments ask for.
    pub(crate) fn knobs(&self) -> anyhow::Result<Knobs> {
        let missing_services = self
            .missing_services
            .iter()
            .map(|s| AllowedService::from_name(s).with_context(|| format!("unknown service `{s}`")))
            .collect::<anyhow::Result<_>>()?;
        Ok(Knobs {
            locked: self.locked,
            unpaired: self.unpaired,
            forbid_pairing: self.forbid_pairing,
            missing_services,
            drop_after_messages: self.drop_after,
            payloads_in_profile_list: !self.no_payloads_in_list,
            echo_requests: self.log,
            ..Knobs::default()
        })
    }
}

/// Runs `lucarne-simulate serve` until interrupted.
pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let knobs = args.knobs()?;
    let dirs = args
        .devices
        .iter()
        .map(|p| DeviceDir::load(p).with_context(|| format!("device directory {}", p.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let shared = lucarne_virtual_ipad::shared(dirs, knobs)?;
    for d in &shared.devices {
        eprintln!("simulate: device {} ({})", d.udid(), d.dir.path.display());
    }
    eprintln!(
        "simulate: USBMUXD_SOCKET_ADDRESS=UNIX:{}",
        args.socket.display()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(lucarne_virtual_ipad::serve(&args.socket, shared))?;
    Ok(())
}
