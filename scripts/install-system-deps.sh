#!/usr/bin/env bash
# Installs the Debian packages simulate builds against, if they are missing (uses sudo when not root).
#   scripts/install-system-deps.sh             # what the build and the matatika run need
#   scripts/install-system-deps.sh --cluster   # also slurm-wlm, munge and openssh-server: the engines the
#                                              # slurm and ssh launchers use (docs/launchers.md), whose
#                                              # tests skip without them; .ci/run installs them
set -euo pipefail
# libpq-dev and postgresql: the PostgreSQL system database and scripts/postgres-server (docs/systemdb.md).
needed=(libsqlite3-dev libcurl4-openssl-dev pkg-config libpq-dev postgresql)
case "${1:-}" in
  "") ;;
  --cluster) needed+=(slurm-wlm munge openssh-server) ;;
  *) echo "usage: $0 [--cluster]" >&2; exit 2 ;;
esac
missing=()
for package in "${needed[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update
  $sudo apt-get install -y "${missing[@]}"
fi
