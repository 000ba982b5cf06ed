#!/usr/bin/env bash
# Install OpenLDAP's server (slapd) and client tools (ldap-utils) for the LDAP integration tests.
#
# - Non-interactive and idempotent: exits at once when slapd, slaptest, slapadd, slappasswd,
#   ldapadd and ldapsearch are already present; runs `apt-get update` only when the package lists
#   are missing or when the first install attempt cannot find the packages.
# - The Debian package configures and starts a system slapd on port 389; the tests start their own
#   private slapd per test file, so the system one is stopped and disabled afterwards.
#
# Usage: scripts/install-slapd.sh   (as root, or through sudo when not root)
set -euo pipefail

tools=(slapd slaptest slapadd slappasswd ldapadd ldapsearch)
missing=0
for tool in "${tools[@]}"; do
  if ! command -v "${tool}" >/dev/null 2>&1 && [ ! -x "/usr/sbin/${tool}" ]; then missing=1; fi
done
if [ "${missing}" -eq 0 ]; then
  echo "install-slapd: slapd and ldap-utils already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -n -- "$0" "$@"; fi
  echo "install-slapd: must run as root (or with sudo) to install packages" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Preseed debconf so that the slapd postinst never prompts. We do not use the packaged database
# (tests build their own), so a throwaway domain and a random admin password are fine.
if command -v debconf-set-selections >/dev/null 2>&1; then
  admin_password=$(head -c 18 /dev/urandom | base64)
  debconf-set-selections <<SEL
slapd slapd/no_configuration boolean false
slapd slapd/domain string example.invalid
slapd shared/organization string secbot-test
slapd slapd/password1 password ${admin_password}
slapd slapd/password2 password ${admin_password}
slapd slapd/purge_database boolean true
slapd slapd/move_old_database boolean true
SEL
fi

# Keep the package from starting a daemon at all where policy-rc.d is honoured (containers
# without systemd); restore whatever was there before.
policy=/usr/sbin/policy-rc.d
policy_backup=""
if [ -e "${policy}" ]; then policy_backup=$(mktemp); cp -p "${policy}" "${policy_backup}"; fi
restore_policy() {
  if [ -n "${policy_backup}" ]; then mv -f "${policy_backup}" "${policy}"; else rm -f "${policy}"; fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' >"${policy}"
chmod 755 "${policy}"

apt_install() {
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    slapd ldap-utils
}
lists_present() { compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; }

if ! lists_present; then apt-get update -q; fi
if ! apt_install; then
  apt-get update -q
  apt_install
fi

# If a system slapd was started anyway (systemd hosts ignore policy-rc.d for unit activation),
# stop it and keep it from starting at boot, so port 389 stays free.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop slapd.service >/dev/null 2>&1 || true
  systemctl disable slapd.service >/dev/null 2>&1 || true
else
  service slapd stop >/dev/null 2>&1 || true
  if command -v update-rc.d >/dev/null 2>&1; then update-rc.d slapd disable >/dev/null 2>&1 || true; fi
fi
if [ -r /run/slapd/slapd.pid ]; then
  pid=$(cat /run/slapd/slapd.pid)
  if [ -n "${pid}" ] && kill -0 "${pid}" 2>/dev/null; then kill "${pid}" || true; fi
fi

for tool in "${tools[@]}"; do
  if ! command -v "${tool}" >/dev/null 2>&1 && [ ! -x "/usr/sbin/${tool}" ]; then
    echo "install-slapd: ${tool} still missing after install" >&2
    exit 1
  fi
done
echo "install-slapd: installed $(dpkg-query -W -f='slapd ${Version}' slapd)"
