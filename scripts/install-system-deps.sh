#!/usr/bin/env bash
# Installs the Debian packages simulate builds against, if they are missing (uses sudo when not root).
set -euo pipefail
# libpq-dev and postgresql: the PostgreSQL system database and scripts/postgres-server (docs/systemdb.md).
needed=(libsqlite3-dev libcurl4-openssl-dev pkg-config libpq-dev postgresql)
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
