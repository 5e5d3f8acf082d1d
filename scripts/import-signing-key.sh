#!/usr/bin/env bash
# For release pipelines: imports the release signing key from the CI secret
# GPG_PRIVATE_KEY (ASCII-armored secret key) into a GnuPG home of its own and
# prints its fingerprint, for GPG_FINGERPRINT. With GPG_PASSPHRASE set it
# unlocks the key once, so gpg-agent holds the passphrase for the two hours
# the release may take and goreleaser's batch-mode gpg never asks for it.
#
#   export GNUPGHOME="$(mktemp -d)"
#   export GPG_FINGERPRINT="$(scripts/import-signing-key.sh)"
set -euo pipefail

die() { printf 'import-signing-key: %s\n' "$*" >&2; exit 1; }

[ -n "${GPG_PRIVATE_KEY:-}" ] || die "GPG_PRIVATE_KEY is empty: store the armored secret key as a protected CI secret"
[ -n "${GNUPGHOME:-}" ] || die "set GNUPGHOME to a fresh directory: the CI user's own keyring stays out of it"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
printf 'default-cache-ttl 7200\nmax-cache-ttl 7200\nallow-loopback-pinentry\n' >"$GNUPGHOME/gpg-agent.conf"
gpg-connect-agent reloadagent /bye >/dev/null 2>&1 || true

gpg --batch --quiet --import <<<"$GPG_PRIVATE_KEY" 2>/dev/null || die "gpg could not import GPG_PRIVATE_KEY"
fingerprints="$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "sec" { want = 1 } $1 == "fpr" && want { print $10; want = 0 }')"
[ "$(wc -l <<<"$fingerprints")" = 1 ] || die "GPG_PRIVATE_KEY must hold exactly one secret key"

if [ -n "${GPG_PASSPHRASE:-}" ]; then
  # Signing once with the passphrase leaves it cached in gpg-agent. The
  # signature goes to a file of our own: gpg deletes a failed output file,
  # which must never be a device such as /dev/null.
  probe="$GNUPGHOME/unlock-probe"
  echo unlock >"$probe"
  gpg --batch --quiet --yes --pinentry-mode loopback --passphrase-fd 0 --local-user "$fingerprints" \
    --output "$probe.sig" --detach-sign "$probe" <<<"$GPG_PASSPHRASE" || die "GPG_PASSPHRASE does not unlock the key"
  rm -f "$probe" "$probe.sig"
fi
echo "$fingerprints"
