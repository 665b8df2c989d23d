#!/usr/bin/env bash
# Seeds the fuzz corpora (gitignored) from the repository's profile fixtures.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../../tests/fixtures
mkdir -p corpus/parse_profile corpus/cms_unwrap
# The minimised corpora of earlier runs (cargo fuzz cmin), committed: start where they stopped.
for archive in corpora/*.tar.gz; do
    [ -e "$archive" ] && tar -C corpus -xzf "$archive"
done
cp "$fixtures"/profiles/*.mobileconfig "$fixtures"/profiles/*.xml "$fixtures"/signed/*.mobileconfig \
    corpus/parse_profile/
cp "$fixtures"/profiles/encdns-signed__*.mobileconfig "$fixtures"/signed/*.mobileconfig \
    corpus/cms_unwrap/
# signed/profile.mobileconfig is the plain plist those files sign: not a CMS seed.
rm -f corpus/cms_unwrap/profile.mobileconfig
echo "seeded: $(ls corpus/parse_profile | wc -l) parse_profile, $(ls corpus/cms_unwrap | wc -l) cms_unwrap"
# Upload bodies and server answers: small well-formed examples the fuzzer mutates.
mkdir -p corpus/upload_body corpus/server_answers
snapshot='{"schema":"lucarne.snapshot/1","taken_at":"2026-11-30T12:00:00Z","device":{"udid":"00008103-000000000000001E","name":"iPad"},"profiles":[],"apps":[{"bundle_id":"com.teamviewer.rc","managed":true}],"restrictions":[]}'
printf '{"schema":"lucarne.envelope/1","key_id":"%064d","snapshot":"%s","signature":"%s"}' 0 \
    "$(printf '%s' "$snapshot" | base64 -w0)" "$(head -c 64 /dev/zero | base64 -w0)" > corpus/upload_body/envelope.json
printf '{"schema":"lucarne.receipt/1","key_id":"%064d","device_id":"d","sequence":1,"envelope_sha256":"%064d","leaf_index":0,"tree_size":1,"inclusion_proof":[],"checkpoint":"lucarne.fuzz/log\\n1\\nAAAA\\n\\n— lucarne.fuzz/log AAAA\\n","events":[],"alerts":[]}' 0 0 > corpus/server_answers/receipt.json
printf 'lucarne.fuzz/log\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— lucarne.fuzz/log AAAAAAAA\n' > corpus/server_answers/checkpoint.txt
printf '{"error":{"code":"fork","message":"m"}}' > corpus/server_answers/error.json
echo "seeded: upload_body, server_answers"
