# What changed between two snapshots of an iPad (lucarne_profiles::compare), and alerts.

changes-title = What changed since the previous snapshot ({ $date }):
changes-none = Nothing changed since the previous snapshot ({ $date }).
changes-first = First snapshot of this iPad: the next ones will say what changes.
level-alert = ALERT
level-warning = Watch
level-info = Info
change-line = [{ $level }] { $text }
change-profile-added = Profile installed: “{ $name }”{ $installer ->
    [mdm] {" "}by the MDM
    [user] {" "}by you
   *[other] {""}
}.
change-profile-removed = Profile removed: “{ $name }”.
change-profile-changed = Profile changed: “{ $name }”.
change-payload-keys-changed = Settings changed in profile “{ $name }”.
change-restriction-changed = { $now ->
    [restricts] New restriction: { $meaning }
    [lifted] Restriction lifted: { $meaning }
   *[other] Restriction changed: { $meaning }
}
change-app-added = { $managed-id ->
    [yes] App installed by the MDM: “{ $name }”
    [no] App installed by you: “{ $name }”
   *[unknown] New app: “{ $name }” (who installed it: unknown; a backup tells)
}{ $category-id ->
    [none] .
   *[other] {""} — it lets someone else view your screen ({ $category }).
}
change-app-removed = App removed: “{ $name }”.
change-app-updated = App updated: “{ $name }”, version { $before } → { $after }.
change-app-newly-managed = The administration now manages the app “{ $name }”{ $category-id ->
    [none] .
   *[other] {""} — it lets someone else view your screen ({ $category }).
}
change-supervision-changed = { $after ->
    [yes] The iPad is now supervised: the administration can install apps and profiles without asking you.
   *[other] The iPad is no longer supervised.
}
change-enrolment-changed = Enrolment of the iPad changed ({ $field }): { $before } → { $after }.
change-mdm-server-changed = MDM server: { $before } → { $after }.
change-access-rights-changed = { $wider ->
    [yes] The MDM server's access rights were widened ({ $before } → { $after }).
   *[other] The MDM server's access rights were narrowed ({ $before } → { $after }).
}
change-trust-anchor-added = New trusted certificate authority: “{ $name }”.
change-trust-anchor-removed = Certificate authority removed: “{ $name }”.
change-traffic-path-added = New path for your traffic: { $path } to { $server }.
change-capability-changed = Changed in place: { $sentence } (before: { $before }).
change-capabilities-changed = What the administration can do changed.
change-gained = + { $sentence }
change-lost = − { $sentence }
field-ade = automatic enrolment
field-organisation = organisation
field-mdm_unremovable = MDM cannot be removed
field-allow_pairing = pairing with another computer

# Refused uploads that break the chain of an iPad's snapshots
alert-replay = Upload refused: this snapshot (no. { $sequence }) had already been received. Someone may have replayed an old upload.
alert-rollback = Upload refused: snapshot no. { $sequence } is older than the last one received (no. { $last }). Suspicious rollback.
alert-fork = Upload refused: snapshot no. { $sequence } does not follow the last one received (no. { $last }). The iPad's history has forked.
