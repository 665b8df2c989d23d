# Texts of Lucarne's command-line interface (English).

inspect-file = File: { $path }
inspect-error = Cannot read this file: { $error }
inspect-profile = Profile "{ $name }" ({ $identifier })
inspect-organization = Issued by: { $organization }
inspect-description = Description: { $description }
inspect-signed-valid = Signed by "{ $subject }" (issuer "{ $issuer }"), signature valid. Lucarne does not check whether this signer is trustworthy.
inspect-signed-invalid = Signed by "{ $subject }", but the signature does NOT match the content: { $problem }
inspect-unsigned = Unsigned profile.
inspect-payloads = { $count ->
    [one] 1 setting (payload)
   *[other] { $count } settings (payloads)
}
inspect-nothing = This profile gives the administration no power that Lucarne knows how to describe.
inspect-warning = Note: { $warning }
inspect-summary = { $ok } file(s) analysed, { $failed } with errors.

section-erase = Erase the device
section-lock = Lock the device
section-locate = Locate the device
section-observe = See your screen
section-intercept = Route your network traffic through its servers
section-read = Read information
section-install = Install apps, profiles or certificates
section-change = Change settings
section-restrict = Forbid you actions

capability-supervised = (supervised devices only)
capability-not-usable = (not in effect: the device is not supervised)
evidence = evidence: { $evidence }
mdm-server = MDM server: { $url }
mdm-rights = Access rights (AccessRights): { $value } — { $names }
mdm-rights-missing = Access rights (AccessRights): not specified
trust-anchor = Trusted certificate authority: { $subject } (SHA-256 { $sha256 })

# lucarne key, enroll, push
key-fingerprint = Fingerprint of this computer's key: { $key_id }
key-public = Public key (Ed25519, base64): { $public_key }
key-file = Key file: { $path }
enrolled = Computer enrolled with { $server } (key { $key_id }).
enrolled-log = Server log: { $origin }, verifier key { $verifier_key }. Compare it with the one the server's operator publishes.
push-accepted = Sent: device { $device }, snapshot #{ $sequence } — receipt verified (entry { $leaf_index } of a log of { $tree_size }).
push-alerts = { "  " }The server reports { $alerts } alert(s) and { $events } change(s) for this snapshot.
push-refused = Refused by the server: device { $device }, snapshot #{ $sequence } ({ $code }): { $message }. It was set aside in { $path } and will not be sent again.
push-stopped = Sending stopped: { $reason }. { $remaining } snapshot(s) remain queued and will go with the next push; nothing is lost.
push-nothing = No snapshot waiting.
push-consistency-deferred = The log's consistency could not be checked this time ({ $reason }); it will be at the next push.
