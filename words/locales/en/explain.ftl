# The explanation: what an official sees, in the order they need it (summary first, then what
# the administration cannot do, the details with evidence, what Lucarne could not see).

## Header
header-device = Device: “{ $name }” ({ $model }, iPadOS { $os })
header-device-unknown = Device: unknown (this source does not tell).
header-privacy = App Privacy Report: { $apps ->
    [one] 1 app
   *[other] { $apps } apps
}, from { $from } to { $to }{ $skipped ->
    [0] {""}
    [one] {""} (1 unreadable line skipped)
   *[other] {""} ({ $skipped } unreadable lines skipped)
}.
header-files = { $count ->
    [one] 1 profile read
   *[other] { $count } profiles read
}, outside any iPad.
header-management = { $mdm ->
    [none] No MDM server found
    [unknown] MDM server: unknown
   *[other] Managed by the MDM server { $mdm }
}{ $organisation ->
    [none] {""}
   *[other] {" "}(“{ $organisation }”)
} — supervised: { $supervised }, enrolled automatically: { $ade }.
header-profiles = { $count ->
    [one] 1 profile installed
   *[other] { $count } profiles installed
}{ $mdm ->
    [unknown] {" "}(who installed them: unknown)
   *[other] {" "}({ $mdm } by the MDM)
}.
header-apps = { $count ->
    [0] No app listed
    [one] 1 app
   *[other] { $count } apps
}{ $managed ->
    [unknown] {" "}(which the MDM manages: unknown)
   *[other] {" "}({ $managed } managed by the MDM)
}.
yes = yes
no = no
unknown = unknown
unspecified = (not specified)

## Summary: one sentence per topic, most harmful first
summary-title = What the administration can do with this iPad:
summary-title-files = What these profiles would let the administration do:
summary-none = Lucarne found nothing the administration can do with this iPad.
summary-none-files = Lucarne found nothing these profiles let the administration do.
summary-wifi-tracking = Recognise the iPad on { $count ->
    [one] the Wi-Fi network { $networks }, where its private address is turned off.
   *[other] the Wi-Fi networks { $networks }, where its private address is turned off.
}
summary-profile-service = Receive information about the iPad (identifiers, serial number…) at { $servers }.
summary-conditional = {" "}(under conditions)
summary-mail = Read the mail, contacts and calendars { $count ->
    [one] of your account on
   *[other] of your { $count } accounts on
} { $servers }.
summary-https = Decrypt your HTTPS connections going through { $servers }.
summary-https-anchor = Make the iPad accept any certificate of its authority “{ $subject }”.
summary-traffic = See the sites contacted by the traffic it sends through { $servers }.
summary-traffic-script = Choose which servers your web traffic goes through, by a script published at { $scripts }.
summary-locate = Locate the iPad by putting it in Lost Mode (shown on the screen).
summary-erase = { $mdm ->
    [yes] Erase the whole iPad remotely{ $exchange ->
        [none] {""}
       *[other] {""}, and so can the Exchange server { $exchange }
    }
   *[no] Erase the whole iPad, through the Exchange server { $exchange }
}{ $ade ->
    [yes] {""}; the iPad then enrols itself again
   *[other] {""}
}.
summary-apps = { $silent ->
    [yes] Install and remove apps and profiles without asking you.
   *[other] Install and remove profiles; apps, with your consent.
}
summary-screen-app = View{ $control ->
    [yes] {" "}and control
   *[other] {""}
} your screen with the app “{ $name }”.
summary-screen-classroom = Observe your screen with Classroom{ $silent ->
    [yes] , without telling you
   *[other] {""}
}.
summary-screen-mirroring = Ask you to mirror your screen (you can refuse).
summary-lock = Lock the iPad and remove its passcode.
summary-inventory = Read { $apps ->
    [yes] the list of your apps, {""}
   *[other] {""}
}the iPad's details, its profiles and certificates.
summary-settings = Change settings remotely.
summary-restrict = Forbid you { $count ->
    [one] one feature
   *[other] { $count } features
} of the iPad{ $evidence ->
    [yes] , including ways to keep evidence (screenshots, backups)
   *[other] {""}
}.
summary-management = Manage the iPad remotely through its MDM server.
summary-more = { $count ->
    [one] … and 1 more point (--details).
   *[other] … and { $count } more points (--details).
}

## What the administration cannot do
cannot-title = What the administration cannot do (from what Lucarne read):
limit-right-not-granted = { $right }: this right is not granted to it.
limit-not-supervised = This iPad is not supervised: { $count ->
    [one] one command reserved to supervised iPads is impossible for it
   *[other] { $count } commands reserved to supervised iPads are impossible for it
} (installing apps without asking you, locating the iPad…).
limit-user-enrollment = User Enrollment: the administration sees neither your personal apps nor your data, and cannot erase the whole iPad.
limit-no-account = No mail, contacts or calendar account is set up by its profiles: it does not read your mail that way.
limit-no-trust-anchor = No certificate authority is installed by its profiles: it cannot decrypt your HTTPS connections that way.
limit-no-traffic-path = No proxy, VPN, filter or DNS server is imposed by its profiles: your traffic does not go through its servers that way.
limit-no-ade = The iPad was not enrolled automatically: after an erase it does not enrol itself again.
limit-no-mdm = No MDM server manages this iPad.
limit-invalid-profile = The file “{ $profile }” is not a valid configuration profile: its declared type is “{ $type }” instead of “Configuration”. An iPad refuses it: nothing it holds applies.

## What is on the iPad
inventory-title = What is on the iPad:
inventory-profile = Profile “{ $name }” ({ $identifier }){ $installer ->
    [mdm] , installed by the MDM
    [user] , installed by you
   *[unknown] {""} (who installed it: unknown)
}
inventory-app = App “{ $name }” ({ $bundle }){ $managed ->
    [yes] , managed by the MDM
   *[other] {""}
}{ $in-house ->
    [yes] , distributed outside the App Store
   *[other] {""}
}

## Details
details-title = Details, with evidence:
details-hint = Details and evidence: run again with --details.
topic-mail = Mail, contacts and calendars
topic-https = Encrypted connections (HTTPS)
topic-traffic = Network traffic
topic-locate = Location
topic-erase = Erasing
topic-apps = Apps, profiles and certificates
topic-screen = Your screen
topic-lock = Lock and passcode
topic-inventory = Information read from the iPad
topic-settings = Settings
topic-restrict = What you are forbidden
topic-management = Management of the iPad
evidence = evidence: { $evidence }
evidence-profile = profile { $profile }
evidence-key = key { $key }

## Conditions
condition-supervised = { $holds ->
    [yes] Possible because this iPad is supervised.
    [no] Not possible: this iPad is not supervised.
   *[unknown] Only on a supervised iPad.
}
condition-supervised-before = { $holds ->
    [yes] Possible on this iPad (supervised, or running iPadOS { $version } or later).
    [no] Not possible: this iPad is not supervised and runs an iPadOS version before { $version }.
   *[unknown] Only on a supervised iPad, or from iPadOS { $version } on.
}
condition-automated-enrollment = { $holds ->
    [yes] Possible because this iPad was enrolled automatically.
    [no] Not possible: this iPad was not enrolled automatically.
   *[unknown] Only for an iPad enrolled automatically.
}
condition-certificate-trust = { $route ->
    [mdm] Installed by the MDM: the iPad trusts it at once for encrypted connections.
    [manual] Installed by hand: the iPad trusts it for encrypted connections only if you turned on full trust (Settings › General › About › Certificate Trust Settings).
   *[unknown] Installed by the MDM, the iPad trusts it at once; installed by hand, only once full trust is turned on (Settings › General › About › Certificate Trust Settings).
}
condition-controlled-traffic-path = { $holds ->
    [yes] The connections concerned go through a path the administration controls.
    [no] No path the administration controls carries your connections.
   *[unknown] Only if your connections go through a path the administration controls.
}
condition-apps-without-pinning = Apps that check their server's certificate themselves (many banking and messaging apps) escape it: their connection fails instead of being decrypted.
condition-shared-ipad = { $holds ->
    [yes] This iPad is shared between several users.
    [no] Does not apply: this iPad is not shared.
   *[unknown] Only on an iPad shared between several users.
}
condition-os-before = { $holds ->
    [yes] This iPad runs an iPadOS version older than { $version }.
    [no] No effect: this command no longer acts since iPadOS { $version }.
   *[unknown] No effect since iPadOS { $version }.
}
condition-not-on-ipad = No effect on an iPad (macOS only).

## What Lucarne could not see
unseen-title = What Lucarne could not see:
unknown-profiles-installed-by = Who installed each profile (the MDM or you): unknown.
unknown-apps-managed = Which apps the MDM manages: unknown.
unknown-history = The dated history of profiles and settings: unknown.
unknown-payload-contents = The content of the profiles: unknown.
unknown-supervision = Whether the iPad is supervised: unknown.
unknown-access-rights = The MDM server's access rights: unknown.
unknown-privacy-report = What apps did (location, camera, domains contacted): unknown.
unknown-profiles = The installed profiles, the MDM and its rights: unknown from this source alone.
unknown-device = The iPad these profiles would go on (supervised or not): unknown.
unknown-mdm-server-logs = What the MDM server actually asked or did (its logs): no source on your side shows it; the administration knows, and you can ask it (right of access, GDPR article 15).
source-backup = A backup of the iPad tells: “lucarne scan --backup”.
source-live = Connect the iPad and run “lucarne scan”.
source-privacy-report = The App Privacy Report tells (Settings › Privacy & Security › App Privacy Report, then “lucarne scan --privacy-report FILE”).

## Terms
term-scope-all-traffic = of the whole iPad
term-scope-wifi = on the Wi-Fi network “{ $network }”
term-scope-cellular = over mobile data (access point “{ $network }”)
term-scope-inside-vpn = inside the VPN “{ $network }”
term-scope-bound-apps = of the apps it names
term-scope-on-demand = chosen by on-demand rules
term-scope-selected = to the addresses the VPN server names
term-scope-domains = to the domains { $domains }
term-scope-web-pages = of the web pages visited
term-scope-all-connections = of every app (all their connections, not only web pages)
term-scope-bound-apps-connections = of the managed apps bound to it (all their connections, not only web pages)
term-scope-name-lookups = of name lookups (DNS)
term-path-proxy = the proxy server
term-path-proxy-auto-config = the automatic proxy script
term-path-vpn = the VPN
term-path-always-on-vpn = the always-on VPN
term-path-per-app-vpn = the per-app VPN
term-path-relay = the network relay
term-protocol-scep = SCEP
term-protocol-acme = ACME
term-attributes-udid = its unique device identifier
term-attributes-imei = its IMEI
term-attributes-meid = its MEID
term-attributes-iccid = its SIM card number
term-attributes-os-version = its iPadOS version
term-attributes-model = its model
term-attributes-serial-number = its serial number
term-attributes-wifi-address = its Wi-Fi hardware address
term-attributes-device-name = the device name
term-category-remote-control = remote control
term-category-screen-sharing = screen sharing
term-category-device-monitoring = device monitoring
term-resource-location = your location
term-resource-camera = the camera
term-resource-microphone = the microphone
term-resource-contacts = your contacts
term-resource-photos = your photos
term-resource-calendars = your calendars
term-resource-mediaLibrary = your media library
term-resource-screenRecording = screen recording
term-and-more = { $count ->
    [one] and 1 other
   *[other] and { $count } others
}
