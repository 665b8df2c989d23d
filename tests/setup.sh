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
