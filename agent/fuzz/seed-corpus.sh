#!/usr/bin/env bash
# Seeds the agent's fuzz corpora (gitignored) from the repository's fixtures and bundled devices.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
mkdir -p corpus/device_reply corpus/privacy_report corpus/keybag corpus/manifest_row
# The minimised corpora of earlier runs (cargo fuzz cmin), committed: start where they stopped.
for archive in corpora/*.tar.gz; do
    [ -e "$archive" ] && tar -C corpus -xzf "$archive"
done
cp "$root"/tests/fixtures/mcinstall/*.plist "$root"/virtual-ipad/devices/*/*.plist corpus/device_reply/ 2>/dev/null || true
# Device directories name their files alike: keep one copy of each under a unique name.
for f in "$root"/virtual-ipad/devices/*/*.plist; do
    cp "$f" "corpus/device_reply/$(basename "$(dirname "$f")")-$(basename "$f")"
done
cp "$root"/tests/fixtures/privacy-report/*.ndjson corpus/privacy_report/
echo "seeded: $(ls corpus/device_reply | wc -l) device_reply, $(ls corpus/privacy_report | wc -l) privacy_report"
