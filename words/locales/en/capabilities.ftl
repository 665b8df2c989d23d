# What the administration can do: one sentence per capability (lucarne_profiles::Capability).
# The id is "cap-" followed by the capability's id, dots turned into dashes. MDM commands
# (command-*), payloads (payload-*) and restrictions (restriction-*) are in catalog.ftl.
# Values from a profile arrive neutralised; quotation marks are written here.

cap-mdm-server = The iPad is managed remotely by the MDM server { $server }: the administration can send it the commands described here.
cap-mdm-user-enrollment = User Enrollment (personal device): access rights are ignored; the administration only sees its own apps and data.
cap-trust-root = The iPad trusts the certificate authority “{ $subject }”: any certificate it signs is accepted, for any website.
cap-traffic-proxy = Web traffic { $scope } goes through the proxy server { $server }: it sees every site visited.
cap-traffic-proxy-auto-config = An automatic configuration script, published at { $script }, chooses for each connection of the web traffic { $scope } which proxy server to use, if any: those servers are not known from the profile.
cap-traffic-vpn = A VPN to { $server }{ $app ->
    [none] {""}
   *[other] {" "}(through the app { $app })
} carries the traffic { $scope }: that server sees the addresses contacted.{ $on-demand-id ->
    [yes] {" "}It connects by itself, following its on-demand rules.
   *[other] {""}
}
cap-traffic-always-on-vpn = Always-on VPN to { $server }: all of the iPad's traffic, Apple's apps included, goes through the administration, which can monitor and filter it.
cap-traffic-per-app-vpn = Per-app VPN to { $server }: traffic of the apps it names{ $domains ->
    [none] {""}
   *[other] {" "}and of the domains { $domains }
} goes through that server.
cap-traffic-content-filter = A content filter ({ $filter ->
    [none] Apple's built-in filter
   *[other] extension { $filter }
}) examines the traffic { $scope } and can block it.
cap-traffic-dns = All name lookups (DNS) go to the server { $server }: it knows every domain the iPad contacts.
cap-traffic-dns-proxy = The app { $server } receives the iPad's DNS queries: it sees every domain contacted.
cap-traffic-relay = A network relay ({ $server }) routes the traffic { $scope } through the administration's servers.
cap-traffic-https-decryption = The certificate authority “{ $subject }” together with { $path }{ $path-id ->
    [proxy-auto-config] {" "}published at { $script }
   *[other] {" "}to { $server }
} let the administration decrypt the content of HTTPS connections going through that path.
cap-account-mail = The mail account { $user } is set up on the server { $server }: the mail synced there can be read by whoever runs that server.
cap-account-exchange = The Exchange account { $user } is set up on the server { $server }{ $identity-id ->
    [yes] , with an identity certificate installed to connect to it
   *[other] {""}
}: mail, contacts and calendars synced there can be read by whoever runs that server.
cap-account-exchange-wipe = The Exchange server { $server } can erase the iPad on its own (Exchange remote wipe), without the MDM.
cap-account-caldav = The calendar { $user } syncs with the server { $server }: whoever runs it sees those events.
cap-account-carddav = The contacts { $user } sync with the server { $server }: whoever runs it sees those contacts.
cap-account-ldap = The directory { $server } is set up: contact searches are sent there.
cap-account-google = A Google account ({ $user }) is set up by the administration: what syncs through it is at Google.
cap-account-subscribed-calendar = A calendar is subscribed to the server { $server }: it knows when the iPad checks it.
cap-observe-classroom = The iPad is in classes of the Classroom app: a “teacher” can view the screen, open or lock apps.
cap-observe-classroom-silent = Classroom can observe the screen without telling you.
cap-restriction-set = { $meaning }
cap-restriction-unknown = A restriction setting Lucarne does not know on iPad is present: its effect is not described here.
cap-profile-unremovable = You cannot remove the profile “{ $name }” yourself.
cap-payload-unknown = A profile contains a setting of a type Lucarne does not know: its effect is not described here.
cap-device-supervised = The iPad is supervised{ $organisation ->
    [none] {""}
   *[other] {" "}by “{ $organisation }”
}: the administration can install apps and profiles without asking you, and apply the restrictions reserved to supervised devices.
cap-device-ade = The iPad is enrolled automatically (Apple's Automated Device Enrollment): after an erase it enrols itself again with the administration.
cap-app-in-house = The app “{ $name }” does not come from the App Store: it is signed by “{ $signer }” and installed through a provisioning profile.
cap-app-managed = The app “{ $name }” is managed by the administration: it can configure it, remove it with its data and bind it to a VPN.
cap-app-screen-access = The app “{ $name }” ({ $category }) lets someone else { $category-id ->
    [remote-control] view and control your screen
   *[other] view your screen
}. { $managed-id ->
    [yes] Installed by the administration.
    [no] Installed by you.
   *[unknown] Who installed it: unknown (a backup tells).
}
cap-privacy-managed-app-access = The managed app “{ $name }” used { $category } between { $from } and { $to } (App Privacy Report).
cap-privacy-managed-app-domains = The managed app “{ $name }” contacted { $count } domains between { $from } and { $to }, including { $domains }.
cap-trust-intermediate = The intermediate certificate authority “{ $subject }”, issued by “{ $issuer }”, is installed: it only links certificates to that root authority, and makes nothing trusted unless the iPad already trusts that root.
cap-trust-certificate = The certificate “{ $subject }” (issued by “{ $issuer }”) is installed. It is not a certificate authority: it makes no other certificate trusted.
cap-settings-proxy-empty = A global proxy setting is present but names no server: no traffic goes through it.
cap-traffic-dns-locked = You cannot turn off the DNS settings that send your name lookups to the server { $server }.
cap-wifi-network = The iPad joins the Wi-Fi network “{ $network }” set up by the administration.
cap-wifi-private-address-off = On the Wi-Fi network “{ $network }”, the private Wi-Fi address is turned off: that network can recognise the iPad by its hardware address.
cap-wifi-server-certificate = On the Wi-Fi network “{ $network }”, the iPad checks the authentication server{ $servers ->
    [none] {""}
   *[other] {" "}{ $servers }
} against the certificate “{ $subject }”.
cap-wifi-server-names = On the Wi-Fi network “{ $network }”, the iPad only accepts { $servers } as authentication server.
cap-enrolment-profile-service = The iPad sends { $attributes ->
    [none] information about itself
   *[other] { $attributes }
} to the server { $server }, which sends back a profile to install (enrolment over the network).
cap-identity-enrolment = The iPad requests an identity certificate, with its private key, from the server { $server } using { $protocol }{ $attest-id ->
    [yes] , proving its hardware characteristics to it (attestation)
   *[other] {""}
}: whoever runs that server issues the identity that presents the iPad to its services.
cap-identity-sso = The single sign-on extension { $app ->
    [none] (not specified)
   *[other] { $app }
} receives the iPad's sign-ins { $hosts ->
    [none] to the services it handles
   *[other] to { $hosts }
}: it sees when you sign in there.
cap-settings-web-clip = A shortcut “{ $name }” to the site { $server } is added to the Home Screen{ $removable-id ->
    [no] , and you cannot remove it
   *[other] {""}
}.
cap-settings-font = The font “{ $name }” is installed.
cap-settings-managed-mail-domains = Mail addresses of the domains { $domains } are treated as the organisation's: Mail marks the others.
cap-settings-managed-web-domains = Documents downloaded from { $domains } are treated as managed by the organisation.
cap-settings-safari-password-domains = Safari can save passwords only for the sites of the domains { $domains }.
cap-settings-tracking-relaxed-domains = Cross-site tracking prevention is relaxed for { $domains }.
cap-settings-notifications = The notification settings of the apps { $apps } are set by the administration.
cap-settings-lock-screen-message = The lock screen shows the administration's message “{ $text }”.
cap-settings-asset-tag = The lock screen shows the asset tag “{ $tag }”.
cap-settings-airplay-allow-list = The iPad can stream with AirPlay only to these receivers: { $devices }.
cap-settings-airplay-passwords = The profile provides the passwords of { $count ->
    [one] one AirPlay receiver
   *[other] { $count } AirPlay receivers
}.
cap-mdm-re-enrolment = After an erase, the iPad enrols itself again with the MDM server { $server }.
cap-not-on-ipad-payload = The setting “{ $name }” ({ $type }) is made for a Mac: it has no effect on an iPad.
cap-not-on-ipad-keys = Some settings of { $type } ({ $keys }) are made for a Mac: they have no effect on an iPad.
cap-payload-legacy = This format is old (deprecated by Apple since iOS { $deprecated }) but still applied.
