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

# libimobiledevice's own tools, used as an independent client of the virtual iPad
# (agent/tests/libimobiledevice_fidelity.rs).
lucarne_apt_install libimobiledevice-utils ideviceinstaller
