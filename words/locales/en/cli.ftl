# Texts of Lucarne's command-line interface (English).

inspect-file = File: { $path }
inspect-error = Cannot read this file: { $error }
inspect-profile = Profile “{ $name }” ({ $identifier })
inspect-organization = Issued by (as the profile says): “{ $organization }”
inspect-description = Description written by the administration: “{ $description }”
inspect-signed-valid = Signed by “{ $subject }” (issuer “{ $issuer }”), signature valid. Lucarne does not check whether this signer is trustworthy.
inspect-signed-invalid = Signed by “{ $subject }”, but the signature does NOT match the content: { $problem }
inspect-unsigned = Unsigned profile.
inspect-payloads = { $count ->
    [one] 1 setting (payload)
   *[other] { $count } settings (payloads)
}
inspect-warning = Note: { $warning }
inspect-summary = { $ok ->
    [one] 1 file analysed
   *[other] { $ok } files analysed
}, { $failed } with errors.



# lucarne scan / backups
password-prompt = Password of the encrypted backup: 
deriving-key = Opening the encrypted backup (deriving the key, a few seconds)
key-derived = Key derived in { $seconds } s
wrong-password = Wrong password: the backup does not open with it. Nothing was written.
password-needed = This backup is encrypted: give its password (prompt or --password-stdin).
nothing-to-scan = Nothing to read: give --backup FOLDER and/or --privacy-report FILE.
no-backup-found = No backup found in the usual places; give --backup FOLDER.
warnings = { $count ->
    [one] 1 item could not be read:
   *[other] { $count } items could not be read:
}
backups-none = No backup found. Places looked at:
backups-header = Backups found:
encrypted = encrypted
not-encrypted = not encrypted
# lucarne devices / lucarne scan
devices-none = No iPad is connected.
devices-line = { $udid } ({ $connection })
scan-pairing-forbidden = Your administration forbids pairing this iPad with any computer but its own (AllowPairing): this is one of the things it controls.

# Failures reading a connected iPad
error-no-usbmuxd = Lucarne cannot find the service that links the computer to iPads (usbmuxd, address { $address }). On Linux, install and start usbmuxd ("sudo apt install usbmuxd", then plug the iPad again); on Windows, install the "Apple Devices" app or iTunes; on macOS it is always there.
error-no-device = No iPad is connected. Plug it in with a USB cable, unlock it, then run "lucarne scan" again.
error-several-devices = Several devices are connected ({ $udids }). Choose one with "lucarne scan --udid UDID" ("lucarne devices" lists them).
error-device-not-found = Device { $udid } is not connected. "lucarne devices" lists those that are.
error-not-paired = This computer is not trusted by the iPad { $udid }. Unlock the iPad: the "Trust This Computer?" prompt appears; tap "Trust", enter your passcode, then run "lucarne scan" again. If the prompt never appears, your administration probably forbids pairing the iPad with any computer but its own (AllowPairing, allowHostPairing restriction): this is one of the things it controls. Read a backup of the iPad instead with "lucarne scan --backup FOLDER".
error-locked = The iPad { $udid } is locked. Unlock it with your passcode, keep the screen on, then run "lucarne scan" again.
error-service-missing = The iPad { $udid } does not offer the { $service } service (iPadOS too old, or service disabled). Update the iPad, or read a backup with "lucarne scan --backup FOLDER".
error-connection-lost = The connection to the iPad { $udid } was cut during the reading (cable unplugged?). Nothing was recorded. Plug the iPad in again, unlock it and run "lucarne scan" again.
error-protocol = The iPad { $udid } gave an unexpected answer ({ $cause }). Nothing was recorded.

# lucarne scan: local history and upload
scan-kept = Snapshot no. { $sequence } signed and kept in this computer's history ({ $path }).
scan-accepted = Snapshot no. { $sequence } accepted by the server, receipt verified: entry { $leaf } of a log of { $size ->
    [one] 1 entry
   *[other] { $size } entries
}; { $alerts ->
    [0] no alert
    [one] 1 alert
   *[other] { $alerts } alerts
}.
scan-refused = Snapshot no. { $sequence } refused by the server: { $reason }
scan-queued = { $count ->
    [one] 1 snapshot waiting
   *[other] { $count } snapshots waiting
} to be sent ({ $reason }): nothing is lost, “lucarne push” will send them.

# lucarne-demo
demo-step-ipad = ① A virtual councillor's iPad is plugged in (simulated usbmuxd: { $socket }).
demo-by-hand = { "   " }By hand: `{ $serve }`, then in another terminal `USBMUXD_SOCKET_ADDRESS={ $address } lucarne scan`.
demo-step-scan = ② Lucarne reads the iPad, never writing anything to it, and explains what the administration can do:
demo-readonly = The virtual iPad received { $count } requests from Lucarne, all of them reads ({ $refused } refused).
demo-step-server = ③ An independent Lucarne server starts ({ $url }, embedded SQLite); single-use registration code: { $code }.
demo-step-registered = ④ This computer registers with the server using its key { $key }; the signed snapshot is sent.
demo-step-week2 = ⑤ A week later, the administration has changed things. New reading, new upload; the server answers with what changed:
demo-event = • { $text }
demo-alert = ⚠ { $text }
demo-open = ⑥ The server keeps running: open { $url } in your browser to see the iPad's page (the link works once, for one minute; Enter gives a new one, Ctrl-C stops).
demo-opened = Lucarne opened that link in your browser.
demo-done = End of the demonstration (temporary data: { $dir }, removed on exit).

# lucarne key, register, push
key-fingerprint = Fingerprint of this computer's key: { $key_id }
key-public = Public key (Ed25519, base64): { $public_key }
key-file = Key file: { $path }
registered = Computer registered with { $server } (key { $key_id }).
registered-log = Server log: { $origin }, verifier key { $verifier_key }. Compare it with the one the server's operator publishes.
push-accepted = Sent: device { $device }, snapshot #{ $sequence } — receipt verified (entry { $leaf_index } of a log of { $tree_size }).
push-alerts = { "  " }The server reports { $alerts ->
    [0] no alert
    [one] 1 alert
   *[other] { $alerts } alerts
} and { $events ->
    [0] no change
    [one] 1 change
   *[other] { $events } changes
} for this snapshot.
push-refused = Refused by the server: device { $device }, snapshot #{ $sequence } ({ $code }): { $message }. It was set aside in { $path } and will not be sent again.
push-stopped = Sending stopped: { $reason }. { $remaining ->
    [one] 1 snapshot remains queued
   *[other] { $remaining } snapshots remain queued
} and will go with the next push; nothing is lost.
upload-wait = The server asks to be sent nothing for { $seconds } s. { $remaining ->
    [one] { $remaining } snapshot stays queued
   *[other] { $remaining } snapshots stay queued
}: nothing is lost, Lucarne sends them at the first “lucarne scan” or “lucarne push” after that.
push-nothing = No snapshot waiting.
push-consistency-deferred = The log's consistency could not be checked this time ({ $reason }); it will be at the next push.

# lucarne history
history-device = iPad “{ $name }” (identifier { $device })
history-entry = { $date } — snapshot no. { $sequence }
history-no-change = Nothing changed.
history-empty = This computer's history holds no snapshot yet: run “lucarne scan”.
history-unknown-device = No iPad “{ $device }” in this computer's history. Known identifiers: { $devices }.

# Errors
error-detail = {"  "}Technical detail: { $detail }
error-home = Cannot open Lucarne's data directory (LUCARNE_HOME or your system's usual folder).
error-salt = Cannot read the salt that masks secrets, in Lucarne's data directory.
error-key = Cannot read or create this computer's key, in Lucarne's data directory.
error-password-stdin = Cannot read the password from standard input.
error-password-terminal = Cannot ask the terminal for the password: give it with --password-stdin.
error-password-too-long = The password given on standard input is too long.
error-push = Sending the queued snapshots failed; nothing is lost, they will go with the next push.
error-register = Registering this computer with { $server } failed.
error-write-output = Cannot write the output.
error-backup-unreadable = The folder { $path } is not a readable iPad backup.
error-backup-read = Reading the backup { $path } failed.
error-read-file = Cannot read the file { $path }.
error-report-too-large = The file { $path } is larger than an App Privacy Report can be.
error-report-invalid = The file { $path } is not a readable App Privacy Report.
error-usbmuxd-address = The usbmuxd address given is not valid (expected UNIX:/path or host:port).
error-history = This computer's history is unreadable ({ $device }, snapshot no. { $sequence }).
error-random = The system's random generator failed.

# lucarne open
open-opened = Your browser opens on your Lucarne pages (the link works once, for one minute).
open-link = Open this link in your browser (it works once, for one minute): { $url }
error-open-not-registered = This computer is not registered with any Lucarne server yet: register it first with the code the server's operator gave you.
error-open = Could not get a login link from { $server }.

# lucarne export
export-bad-day = “{ $day }” is not a date of the form YYYY-MM-DD.
export-bad-period = The start date (--from) is after the end date (--to).
export-empty = This computer's history holds no snapshot in the chosen period.
export-written = Evidence file written: { $path } ({ $snapshots ->
    [one] one snapshot
   *[other] { $snapshots } snapshots
} of { $devices ->
    [one] one iPad
   *[other] { $devices } iPads
}).
export-not-attested = It is signed by this computer's key and made from its own history: it is not attested by the server.
export-timestamped = Timestamped at { $time } by the timestamping authority “{ $tsa }”.
export-check-with = Anyone can check it offline: lucarne verify { $path }
error-export = The evidence file could not be made.
error-export-timestamp = The timestamping authority gave no valid token; no file was written.
error-export-write = The file { $path } could not be written.

# lucarne verify
verify-title = Checking { $path }
verify-files = { $count ->
    [one] One file in the archive.
   *[other] { $count } files in the archive.
}
verify-signed-agent = The manifest is signed by a computer's key (fingerprint { $key_id }).
verify-signed-server = The manifest is signed by the key of the server's log “{ $origin }”.
verify-device = iPad { $device }: { $count ->
    [one] one signed snapshot
   *[other] { $count } signed snapshots
} (no. { $first } to { $last }), { $in_log } of them recorded in the server's log (inclusion proof checked).
verify-checkpoint = Log checkpoint checked: { $size } entries, root { $root }.
verify-timestamp = Timestamp checked: { $time }, by “{ $tsa }” (certificate { $fingerprint }).
verify-no-timestamp = No timestamp: nothing attests when this file was made.
verify-not-attested = This file was made by the official's computer from its history: it is not attested by the server.
verify-no-log = None of these snapshots was sent to a server: no inclusion proof.
verify-not-in-log = iPad { $device }: { $count ->
    [one] one snapshot is not recorded
   *[other] { $count } snapshots are not recorded
} in the server's log (no receipt).
verify-no-consistency = No consistency proof of the log between sizes { $from } and { $to }: that the log was not rewritten in between could not be checked.
verify-chain-starts-after = iPad { $device }: the file's first snapshot (no. { $sequence }) follows one before the period; the chain is checked from it on.
verify-fingerprints = Keys to compare with the published ones (this computer has none registered):
verify-pins-match = The keys are those registered on this computer.
verify-passed = Every available check passed.
verify-failed = { $count ->
    [one] One check failed:
   *[other] { $count } checks failed:
}

# lucarne export, compared with the server's export.
export-server-attested = This is the server's export, signed by its log key kept at registration: it holds each snapshot of this computer for the period, byte for byte, with a verified receipt.
export-server-one-device = The export holds several iPads: it is made from this computer's history alone (choose one with --device for the server's export).
export-server-unknown-device = The server does not know this iPad: the export is made from this computer's history alone.
export-server-unreachable = The server could not give its export ({ $reason }): the export is made from this computer's history alone.
export-server-differs = The server's export does not match this computer's history; the file written is this computer's export. Differences:
export-difference-missing = snapshot { $snapshot } is missing from the server's export
export-difference-altered = snapshot { $snapshot } does not have, in the server's export, the bytes this computer signed
export-difference-no-receipt = snapshot { $snapshot } has no valid receipt in the server's export
export-difference-invalid = the server's export does not verify: { $reason }

# lucarne add-computer
add-computer-code = Code to add another of your computers to your account: { $code }
add-computer-steps = On the other computer, install Lucarne then type, within { $minutes } minutes:
    {"    "}lucarne register --server { $server } --code { $code }
    This code works once. Then an iPad read from either computer has one history on the server.
add-computer-secret = Give this code to nobody else: whoever types it before you enters your account and sees your iPads.
error-add-computer-not-registered = This computer is not registered with any Lucarne server yet: only a registered computer can add another to your account.
error-add-computer = Could not get a code for another computer from { $server }.
registered-joined-account = This computer joined your account: iPads read from your other computers and from this one share one history on the server.
registered-joined-group = Your account is created and is a member of the group “{ $group }”. Choose on your pages (“lucarne open”) which iPads this group may see.

# lucarne history: what the server says
history-local = On this computer:
history-server = What the server says ({ $server }):
history-server-here = { $date } — snapshot no. { $sequence }, sent by this computer
history-server-other = { $date } — snapshot no. { $sequence }, sent by another of your computers (key { $key })
history-server-first = First snapshot the server received for this iPad.
history-server-no-change = The server noted no change.
history-server-refusal = { $date } — the server refused an upload: { $text }
history-server-more = The server keeps older snapshots: see them on your pages (“lucarne open”).
history-server-nothing = The server has received nothing for this iPad yet.
history-server-only = This iPad was only read from your other computers.
history-server-unreachable = The server { $server } does not answer: here is this computer's history only.
history-server-refused = The server { $server } refuses to give its history ({ $reason }): here is this computer's history only.

# lucarne verify: timestamped checkpoints (the server's export).
verify-checkpoint-stamp = Log checkpoint of size { $size } timestamped at { $time } by "{ $tsa }".
verify-dated = { $count ->
    [one] One snapshot is dated by a timestamped checkpoint (consistency proof verified): it existed no later than that time.
   *[other] { $count } snapshots are dated by a timestamped checkpoint (consistency proofs verified): each existed no later than that time.
}
