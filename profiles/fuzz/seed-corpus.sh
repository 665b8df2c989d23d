#!/usr/bin/env bash
# Seeds the fuzz corpora (gitignored) from the repository's profile fixtures.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../../tests/fixtures
mkdir -p corpus/parse_profile corpus/cms_unwrap
cp "$fixtures"/profiles/*.mobileconfig "$fixtures"/profiles/*.xml "$fixtures"/signed/*.mobileconfig \
    corpus/parse_profile/
cp "$fixtures"/profiles/encdns-signed__*.mobileconfig "$fixtures"/signed/*.mobileconfig \
    corpus/cms_unwrap/
# signed/profile.mobileconfig is the plain plist those files sign: not a CMS seed.
rm -f corpus/cms_unwrap/profile.mobileconfig
echo "seeded: $(ls corpus/parse_profile | wc -l) parse_profile, $(ls corpus/cms_unwrap | wc -l) cms_unwrap"
