#!/bin/sh
# Install the Debian packages nqx needs to build, test and benchmark, when
# they are missing.  Idempotent: does nothing when everything is present.
# Runs apt-get directly as root, through sudo otherwise.
set -eu

# pkg-config module or command -> Debian package that provides it.
need=""
check_pc() { pkg-config --exists "$1" 2>/dev/null || need="$need $2"; }
check_cmd() { command -v "$1" >/dev/null 2>&1 || need="$need $2"; }

check_cmd pkg-config pkg-config
check_cmd cc gcc
check_cmd clang clang
check_cmd make make
if command -v pkg-config >/dev/null 2>&1; then
    check_pc icu-uc libicu-dev
    check_pc icu-i18n libicu-dev
    check_pc libpcre2-8 libpcre2-dev
    check_pc libxml-2.0 libxml2-dev
    check_pc cmocka libcmocka-dev
    check_pc nettle nettle-dev
    check_pc libzip libzip-dev
    check_pc libgsf-1 libgsf-1-dev
else
    need="$need libicu-dev libpcre2-dev libxml2-dev libcmocka-dev nettle-dev libzip-dev"
    need="$need libgsf-1-dev"
fi
check_cmd uconv icu-devtools
check_cmd msgfmt gettext

# Only for the browser test of the HTML view (tests/run-browser.sh), which
# is skipped without it: installed when we can, never a reason to fail.
optional=""
command -v chromium >/dev/null 2>&1 || optional="chromium"

[ -z "$need" ] && [ -z "$optional" ] && exit 0

# Remove duplicates while keeping order.
pkgs=$(printf '%s\n' $need | awk '!seen[$0]++' | tr '\n' ' ')
[ -n "$need" ] && echo "deps.sh: installing:$pkgs" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
elif [ -z "$need" ]; then
    exit 0 # only optional packages missing, and no way to install them
else
    echo "deps.sh: missing packages ($pkgs) and not root; install them with apt-get as root" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
if [ -n "$need" ]; then
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
fi
if [ -n "$optional" ]; then
    echo "deps.sh: installing (optional, for the browser test): $optional" >&2
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $optional >/dev/null ||
        echo "deps.sh: could not install $optional; the browser test will be skipped" >&2
fi
