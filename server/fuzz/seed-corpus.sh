#!/usr/bin/env bash
# Seeds the fuzz corpora (gitignored): the minimised corpora of earlier runs, and a few
# registration bodies. The other targets take structured inputs (`arbitrary`) and start empty.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/register_body corpus/signed_request corpus/log_paths
for archive in corpora/*.tar.gz; do
    [ -e "$archive" ] && tar -C corpus -xzf "$archive"
done
key="$(head -c 32 /dev/zero | base64 -w0)"
printf '{"code":"ABCD-EFGH-IJKL","public_key":"%s","label":"portable de Marie"}' "$key" > corpus/register_body/full.json
printf '{"code":"x","public_key":"%s"}' "$key" > corpus/register_body/no-label.json
printf '{"code":"","public_key":"AAAA","label":null}' > corpus/register_body/short-key.json
echo "seeded: $(ls corpus/register_body | wc -l) register_body"
