# What the administration can do: one sentence per capability (lucarne_profiles::Capability).
# The id is "cap-" followed by the capability's id, dots turned into dashes. MDM commands
# (command-*), payloads (payload-*) and restrictions (restriction-*) are in catalog.ftl.
# Values from a profile arrive neutralised; quotation marks are written here.

cap-mdm-server = The iPad is managed remotely by the MDM server { $server }: the administration can send it the commands described here.
cap-mdm-user-enrollment = User Enrollment (personal device): access rights are ignored; the administration only sees its own apps and data.
cap-trust-root = The iPad trusts the certificate authority “{ $subject }”: any certificate it signs is accepted, for any website.
cap-traffic-proxy = Web traffic { $scope } goes through the proxy server { $server }: it sees every site visited.
cap-traffic-proxy-auto-config = An automatic configuration script ({ $server }) chooses, for web traffic { $scope }, which proxy server each address goes through.
cap-traffic-vpn = A VPN to { $server } carries the traffic { $scope }: that server sees the addresses contacted.
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
cap-traffic-https-decryption = The certificate authority “{ $subject }” together with { $path } to { $server } let the administration decrypt the content of HTTPS connections going through that path.
cap-account-mail = The mail account { $user } is set up on the server { $server }: the mail synced there can be read by whoever runs that server.
cap-account-exchange = The Exchange account { $user } is set up on the server { $server }: mail, contacts and calendars synced there can be read by whoever runs that server.
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
}. Installed by { $managed-id ->
    [yes] the administration
    [no] you
   *[unknown] someone unknown (a backup tells)
}.
cap-privacy-managed-app-access = The managed app “{ $name }” used { $category } between { $from } and { $to } (App Privacy Report).
cap-privacy-managed-app-domains = The managed app “{ $name }” contacted { $count } domains between { $from } and { $to }, including { $domains }.
