# The documents of an export (lucarne-report): the PDF report, LISEZMOI.txt and the draft
# letters. Facts only; each fact names the file of the export that proves it.

## PDF report
report-title = Lucarne report: what your administration can do with your iPad
report-subject = Signed record of the configuration of an iPad managed by an administration, with its timeline and evidence.
report-footer = Lucarne report — { $device } — page { $page } of { $pages }
report-owner = Prepared for: { $owner }
report-owner-none = Prepared for: the user of this iPad (name not given)
report-period = Period: { $from } to { $to } — { $count ->
    [one] { $count } snapshot
   *[other] { $count } snapshots
}
report-generated = Export made on { $date } at { $time } (UTC).
report-attested-server = Export attested by the Lucarne server (manifest signed by its key).
report-attested-local = Export built from this computer's history alone: it is not attested by the server.
report-read-first = This report says what the iPad's configuration lets the administration do, not what it did: what it did is written in its MDM server's logs, which Lucarne cannot see (see "What Lucarne could not see").

report-who-title = Who, which device, which period
report-analysed = What follows describes snapshot no. { $sequence } of { $date }, the newest of the period (file { $file }).
report-can-title = What the administration can do
report-cannot-title = What the administration cannot do
report-details-title = The details, with the evidence
report-details-intro = Each capability is followed by what makes it possible, as read in the profile installed on the iPad.
report-condition = Provided that: { $condition }

report-timeline-title = Timeline of changes
report-timeline-intro = Each snapshot is compared with the one before it. Dates are those the user's computer signed; see at the end who attests each snapshot.
report-timeline-first = First snapshot of the period.
report-timeline-same = { $count ->
    [one] { $count } snapshot without change
   *[other] { $count } snapshots without change
}, from { $from } to { $to }.
report-timeline-file = File: { $file }
report-timeline-none = No snapshot in this period.
report-server-alerts-title = What only the server reports
report-server-alert = According to the server (unsigned), on { $date }: { $text }

report-inventory-title = What is installed on the iPad
report-profiles-title = Profiles and apps
report-restrictions-title = Restrictions in force
report-restriction = { $meaning } (setting { $key })
report-restrictions-none = The profiles impose no restriction.
report-anchors-title = Trusted certificate authorities
report-anchor = "{ $subject }", valid until { $until } — SHA-256 { $sha256 }
report-anchors-none = The profiles install no certificate authority.
report-accounts-title = Accounts configured by the administration
report-account = { $kind }: server { $server }
report-accounts-none = The profiles configure no account.

report-method-title = How the data was collected and signed
report-method-collect = Lucarne reads the iPad without writing anything to it (over the USB cable, from a backup of the iPad or from profile files) and records what it reads in a "snapshot".
report-method-sign = Each snapshot is signed by the key of the user's computer (Ed25519) and chained to the one before: none can be removed, changed or inserted without verification failing.
report-method-log = The Lucarne server records each snapshot it receives in a public append-only log (a Merkle tree, like certificate transparency logs) and returns a receipt with an inclusion proof.
report-method-who = Who attests what:
report-method-count = { $attest }: { $count ->
    [one] { $count } snapshot
   *[other] { $count } snapshots
}.

report-unseen-title = What Lucarne could not see
report-unseen-mdm = The MDM server's logs: which commands were sent to the iPad (location, lock, erase, inventory, installations), when, by whom and why. Only the administration holds them: the draft access request (GDPR article 15) asks it for them.
report-unseen-mail = The audit logs of the mail server { $servers }: who opened your mailbox, when and with which rights. Only the administration holds them.
report-unseen-between = What happened between two snapshots: a configuration installed then removed between two readings does not appear.

report-verify-title = How to verify this file
report-verify-how = This report comes with a Lucarne export (a ZIP file). To verify the export offline, with the free software Lucarne:
report-verify-command = lucarne verify EXPORT.zip
report-verify-what = The command checks every signature, the chain of snapshots, the log's inclusion and consistency proofs, the timestamp tokens and the manifest's signature; it names whatever fails. Compare the fingerprints below with those the server publishes and with the one "lucarne key show" prints on the user's computer.
report-verify-data = The facts of this report, without layout, are attached to this PDF (file data.json) and are in the export.
report-key = { $role ->
    [agent] Key of the user's computer
    [log] Key of the server's log
   *[export] Export key of the server
} (file { $file }):

report-annex-title = Annex: the snapshots of the period
report-annex-intro = One snapshot per line: number, signed date, who attests it, file.
report-annex-row = no. { $sequence }
report-annex-more = { $count ->
    [one] { $count } more snapshot is
   *[other] { $count } more snapshots are
} in data.json.

## LISEZMOI.txt
readme-title = README — Lucarne export
readme-intro = This folder is a Lucarne export: the signed record of the configuration of the iPad "{ $device }" from { $from } to { $to }. It is evidence for a complaint to the CNIL or for a lawyer.
readme-contents-title = What this folder holds
readme-file-report = rapport.pdf: the report, to read first (PDF/A, for archiving).
readme-file-letters = lettres/: two draft letters to complete and sign: the access request to the data protection officer (GDPR article 15) and the complaint to the CNIL.
readme-file-data = data.json: the report's facts, without layout.
readme-file-devices = devices/: each signed snapshot (.envelope.json) and, when the server received it, its receipt with the inclusion proof (.receipt.json).
readme-file-log = log/ and keys/: the log's signed checkpoint, the consistency proofs, the timestamp tokens and the public keys.
readme-file-manifest = MANIFEST, MANIFEST.sig, MANIFEST.tsr: the SHA-256 of each file, signed by the server, and timestamped when a timestamping authority is configured.
readme-attest-title = Who attests what
readme-attest-server = This export is attested by the Lucarne server.
readme-attest-local = This export was built on the user's computer, without the server: it is not attested by the server; only the computer's signatures vouch for it.
readme-counts = Of { $total } snapshots: { $log } recorded in the server's log, { $time } with a time attested by a timestamping authority.
readme-verify-title = How to verify
readme-verify-1 = Install Lucarne (free software, EUPL-1.2 licence) and run, offline:
readme-verify-2 = The command exits 0 when every available check passed, and names each failing file otherwise.
readme-verify-3 = Compare these fingerprints with those the server publishes and with the one "lucarne key show" prints on the user's computer:
readme-limits-title = Limits
readme-limits = These files show what the iPad's configuration lets the administration do, and when it changed. They do not show what the administration did: its MDM logs and its mail server's logs are not on the iPad.

## Letters
letter-sender = [Your first name and surname]
letter-address = [Your address]
letter-place-date = [Place], [date]
letter-signature = [Signature]
letter-files-note = Each fact names the file of the attached Lucarne export that proves it; the export is verified with the command "lucarne verify".
letter-quote-note = Sentences in quotation marks are those of the attached Lucarne report, which addresses the iPad's user: "you" there means the signatory of this letter.
letter-file = (file: { $file })
letter-files = (files: { $files })
fact-device = The iPad "{ $name }" ({ $model }, iPadOS { $os }) is managed by the MDM server { $mdm }{ $organisation ->
    [none] {""}
   *[other] {""} of the organisation "{ $organisation }"
}. Supervised: { $supervised }.
fact-device-unmanaged = The iPad "{ $name }" ({ $model }, iPadOS { $os }) has no known MDM server in the snapshot of { $date }.
fact-capability = On { $date }, according to the iPad's configuration, the administration can: "{ $text }"
fact-change = Between { $before } and { $date }: "{ $text }"
fact-mail = On { $date }, a mail account configured by the administration is installed on the iPad (server { $server }).
fact-server-alert = According to the Lucarne server (unsigned), on { $date }: "{ $text }"

letter15-to = For the attention of the data protection officer
letter15-org = { $organisation ->
    [none] [Name and address of the council]
   *[other] { $organisation } — [address]
}
letter15-subject = Subject: access request for my personal data (GDPR article 15) — work iPad
letter15-opening = Dear Sir or Madam,
letter15-context = I use a work iPad managed by your organisation through a mobile device management (MDM) system. From { $from } to { $to }, I recorded the following facts on this device:
letter15-ask = Under article 15 of Regulation (EU) 2016/679, I ask you to confirm whether personal data concerning me are processed through this system, and to provide:
letter15-ask-commands = the history of the commands the MDM sent to this iPad from { $from } to { $to }: queries of the device (information, installed apps and profiles), location requests and Lost Mode activations, locks, erasures, installations and removals of profiles and apps; for each, its date, its author (the administrator account that sent it) and its purpose;
letter15-ask-mail = the mailbox-access audit records of the mail server { $servers } concerning my mailbox: who opened it, when, and under which administrator rights (delegation, full access, export);
letter15-ask-purposes = the purposes of this processing, its legal basis, the recipients, the retention period and the source of the data.
letter15-cjeu = The Court of Justice of the European Union held that the right of access covers information on the dates and purposes of the consultation operations of personal data (CJEU, 22 June 2023, Pankki S, C-579/21).
letter15-deadline = Thank you for answering within the one month set by article 12(3) of the GDPR.
letter15-closing = Yours faithfully,

cnil-to = Commission nationale de l'informatique et des libertés — complaints department
cnil-subject = Subject: complaint — processing of my data through the work iPad managed by { $organisation ->
    [none] [name of the council]
   *[other] { $organisation }
}
cnil-opening = Dear Sir or Madam,
cnil-context = I use a work iPad managed by { $organisation ->
    [none] [name of the council]
   *[other] "{ $organisation }"
} through a mobile device management (MDM) system. From { $from } to { $to }, the free tool Lucarne recorded and signed the following facts:
cnil-prior = On [date], I sent this organisation's data protection officer an access request (GDPR article 15), attached. [Answer received on … / No answer to date.]
cnil-ask = I ask you to examine whether this processing complies with the GDPR, in particular lawfulness, transparency and data minimisation, and whether the organisation answered my access request.
cnil-attachments = Attachments: the Lucarne export (ZIP file, verifiable offline with "lucarne verify") with its report rapport.pdf; the access request and the answer received, if any.
cnil-closing = Yours faithfully,

## Report terms
attest-short-agent-signed = signed by your computer
attest-short-log-included = recorded in the server's log (entry { $index })
attest-short-time-attested = timestamped (no later than { $date })
attest-short-server-says = the server says
account-kind-mail = Mail (IMAP/POP)
account-kind-exchange = Exchange mail
account-kind-caldav = Calendar (CalDAV)
account-kind-carddav = Contacts (CardDAV)
account-kind-ldap = Directory (LDAP)
account-kind-google = Google account
account-kind-subscribed-calendar = Subscribed calendar
attest-label-agent-signed = Signed by your computer's key
attest-label-log-included = Recorded in the server's log (inclusion proof)
attest-label-time-attested = Time attested by a timestamping authority
attest-label-server-says = Only the server says so (unsigned)
letter-more-facts = … and { $count ->
    [one] { $count } more fact, in the attached report.
   *[other] { $count } more facts, in the attached report.
}
