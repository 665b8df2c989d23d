# The server's web pages: what an official reads in their browser.

web-site-name = Lucarne
web-skip = Skip to content
web-nav-home = My iPads
web-nav-groups = My groups
web-lang-switch = Français
web-logout = Log out
web-footer = Lucarne shows what the administration can do with your iPad. Free software, EUPL licence.

## Errors and login
web-not-found-title = Page not found
web-not-found = This page does not exist, or you may not see it.
web-login-needed-title = Login needed
web-login-needed = To see your iPads, open a login link: on your computer, run the command "lucarne open".
web-login-expired = This login link is no longer valid (it works once, for one minute). Run "lucarne open" again.
web-forbidden-title = Request refused
web-forbidden = This form has expired or does not come from Lucarne. Reload the page and try again.
web-error-title = Server error
web-error = The server could not show this page. Try again later.

## Home
web-home-title = My iPads
web-home-account = Your account identifier (give it to a colleague who wants to invite you to a group): { $account }
web-home-none = No iPad has been sent to this server yet. On your computer, run "lucarne scan".
web-home-latest = Latest snapshot: { $date }
web-home-no-alert = No alerts.
web-home-alerts = Latest alerts
web-home-open = See what the administration can do
web-device-unnamed = Unnamed iPad

## An iPad's page
web-device-title = { $name }
web-device-summary-more = What this rests on
web-device-no-evidence = No detailed evidence for this line.
web-device-facts = This iPad
web-device-inventory = What is installed
web-device-timeline = History of changes
web-device-timeline-none = No change recorded.
web-device-unchanged = Nothing changed on the iPad.
web-device-first = First snapshot received.
web-device-received = Received on { $date }
web-device-signed-bytes = Signed bytes of this snapshot
web-device-older = Older changes
web-device-newest = Back to the latest
web-device-chart-title = Changes per day
web-device-chart-desc = { $changes ->
    [one] 1 snapshot with changes
   *[other] { $changes } snapshots with changes
}, from { $from } to { $to } ({ $days ->
    [one] 1 day
   *[other] { $days } days
}).
web-device-access = Who looked at this iPad
web-device-shared-note = You see this iPad because its owner shared it with your group.

## Who looked
web-access-title = Who read this iPad's data
web-access-operator = Beware: the operator of this server can read the database directly, and no log can show it.
web-access-none = Nobody has looked at this iPad yet.
web-access-when = When
web-access-who = Who
web-access-what = What
web-access-via = Through
web-access-you = You
web-access-member = A member of one of your groups ({ $account })
web-access-what-page = the iPad's page
web-access-what-timeline = the history
web-access-what-capabilities = the capabilities
web-access-what-snapshot = the signed bytes of a snapshot
web-access-what-group = the group comparison
web-access-via-page = the website
web-access-via-api = the API
web-access-via-export = a download

## Groups
web-groups-title = My groups
web-groups-none = You are not a member of any group.
web-groups-create = Create a group
web-groups-name = Group name
web-groups-invitations = Invitations received
web-groups-accept = Accept
web-group-title = Group "{ $name }"
web-group-members = { $count ->
    [one] 1 member
   *[other] { $count } members
}
web-group-invite = Invite an account
web-group-invite-account = Account identifier of the person invited
web-group-invite-unknown = No account has this identifier.
web-group-invited = Invitation sent.
web-group-share-title = My iPads in this group
web-group-share = Share with the group
web-group-withdraw = Withdraw from the group
web-group-shared = Shared
web-on-this-page = On this page
web-group-compare-title = Comparison of the shared iPads
web-group-compare-none = No iPad is shared in this group yet.
web-group-differences = What only some iPads have
web-group-same = What all the shared iPads have
web-group-holders = { $total ->
    [one] on { $count } of { $total } tablet
   *[other] on { $count } of { $total } tablets
}
web-group-item-app = App "{ $name }"
web-group-item-profile = Profile "{ $name }"
web-group-item-restriction = Restriction { $key } = { $value }
web-group-item-anchor = Root certificate authority "{ $name }"
web-group-device = { $name } (of { $owner })

## My account
web-nav-account = My account
web-account-title = My account
web-account-name-title = The name your groups see
web-account-name-help = The members of your groups see this name next to your shared iPads, in the list of members and in your invitations. Without a name, they see you as "{ $shown }".
web-account-name = Your name (leave empty to show none)
web-account-save = Save
web-account-saved = Name saved.
web-account-too-long = This name is too long: { $max } characters at most. Nothing was changed.
web-account-unsafe = This name contains an invisible or control character, or one that reverses the writing direction: it could pass for another name. Nothing was changed.
web-account-id-title = Your account identifier
web-account-id-help = Give it to a colleague who wants to invite you to a group: the invitation is for this account and no other, whatever name it chose.
web-account-unnamed = account { $id }
web-group-members-title = Members
web-group-member = { $name } (account { $id })
web-group-pending = Pending invitations
web-groups-invited-by = invited by { $name }
web-group-all-but = all but { $devices }

# A group's registration codes (its admin)
web-group-code-section = Register a new person in this group
web-group-code-explain = You created this group: you can give a registration code to someone who has no account on this server yet. Registering their computer with it gives them an account that is already a member of the group; they choose themselves which iPads the group may see.
web-group-code-create = Create a registration code
web-group-code-title = Registration code for the group “{ $name }”
web-group-code-intro = Here is the code. It will not be shown again: write it down or pass it on now.
web-group-code-how = On their computer, the person installs Lucarne then types:
web-group-code-valid = This code works once and expires in { $days ->
    [one] one day
   *[other] { $days } days
}.
web-group-code-secret = Hand it to that person only: whoever types it first enters the group.
web-group-code-too-many = You already have five codes waiting: wait until they are used or expire before creating another.
web-group-code-back = Back to the group

# The evidence export (a device's page, owner only).
web-owner-only = Only the holder of this iPad may export its evidence or see its letters.
web-export-title = Export the evidence
web-export-intro = A ZIP file anyone can check without Lucarne and offline: the snapshots your computer signed, their place in the server's log, the timestamps, the PDF report and two draft letters. The manifest is signed by the log key your computer kept when it registered. The download is written in the access log.
web-export-from = From
web-export-to = to
web-export-lang = Language of the report
web-export-lang-page = this language
web-export-lang-other = the other language
web-export-button = Download the export
web-export-letters = See the two draft letters (access request, CNIL complaint)
web-export-empty = No snapshot of this iPad in the chosen period.
web-export-bad-period = The chosen period is not valid: two dates YYYY-MM-DD, the first before the second.
web-export-no-timestamp = The timestamping authority did not answer, and an export of this server is always timestamped: try again in a few minutes.
web-letters-title = Draft letters
web-letters-intro = The letters the export of this iPad's whole history holds. They state facts only, each pointing to the file of the export that proves it: download the export to attach them.
web-letters-back = Back to the iPad
