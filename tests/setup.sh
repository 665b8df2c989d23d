# Sourced by tests/run and the demo: installs what Lucarne's tests need when it is absent.
# Each step checks first, so a machine that has everything pays nothing.

lucarne_apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: cargo is required (https://rustup.rs)" >&2
    exit 1
fi

# openssl: the test timestamping authority (`tests/tsa/test-tsa.sh`, `openssl ts`).
command -v openssl >/dev/null 2>&1 || lucarne_apt_install openssl

# libimobiledevice's own tools, used as an independent client of the virtual iPad
# (virtual-ipad/tests/libimobiledevice_fidelity.rs).
lucarne_apt_install libimobiledevice-utils ideviceinstaller

# Tools that are not ours, to check the PDF/A report (report/tests/pdf.rs): poppler's
# pdftotext, pdfinfo, pdffonts, pdfdetach, pdftoppm, and qpdf --check.
lucarne_apt_install poppler-utils qpdf

# iphone-backup-decrypt (PyPI): an independent implementation of encrypted-backup decryption,
# used to prove that the backups our writer encrypts are the real format.
LUCARNE_PYENV="${LUCARNE_PYENV:-$(pwd)/target/pyenv}"
if ! "$LUCARNE_PYENV/bin/python" -c 'import iphone_backup_decrypt' >/dev/null 2>&1; then
    command -v python3 >/dev/null 2>&1 || lucarne_apt_install python3
    rm -rf "$LUCARNE_PYENV"
    if ! python3 -m venv "$LUCARNE_PYENV" >/dev/null 2>&1; then
        lucarne_apt_install python3-venv
        rm -rf "$LUCARNE_PYENV"
        python3 -m venv "$LUCARNE_PYENV"
    fi
    echo "setup: installing iphone-backup-decrypt into $LUCARNE_PYENV" >&2
    "$LUCARNE_PYENV/bin/pip" install -q 'iphone-backup-decrypt==0.11.2'
fi
export LUCARNE_PYENV

# PostgreSQL for the server's tests: 127.0.0.1:5432, trust authentication, user `postgres`,
# database `test` (the tests create and drop their own databases there). Skipped when
# LUCARNE_TEST_POSTGRES names another server.
lucarne_postgres() {
    [ -n "${LUCARNE_TEST_POSTGRES:-}" ] && return 0
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        lucarne_apt_install postgresql
        local ver
        ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
        if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main "; then
            pg_createcluster "$ver" main >/dev/null
        fi
        local hba="/etc/postgresql/$ver/main/pg_hba.conf"
        if ! grep -q "lucarne-tests" "$hba"; then
            # Trust on loopback only, first so that it wins over the packaged rules.
            { printf 'host all all 127.0.0.1/32 trust # lucarne-tests\nhost all all ::1/128 trust # lucarne-tests\n'; cat "$hba"; } > "$hba.lucarne"
            cat "$hba.lucarne" > "$hba" && rm -f "$hba.lucarne"
        fi
        echo "setup: starting PostgreSQL $ver" >&2
        pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null \
            || pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
        for _ in $(seq 1 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 && break
            sleep 1
        done
    fi
    if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1; then
        psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test" >/dev/null
    fi
}
lucarne_postgres

# Headless Chromium and its WebDriver for the web pages' browser tests
# (server/tests/browser.rs, through the fantoccini crate).
lucarne_apt_install chromium chromium-driver
