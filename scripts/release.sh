#!/usr/bin/env bash
# Builds and signs a release of terraform-provider-vaultboot in HashiCorp's
# provider layout with goreleaser (.goreleaser.yml), into dist/.
#
#   scripts/release.sh snapshot   make release-local: offline, nothing
#                                 published, signed with a throwaway RSA key
#                                 made for this run
#   scripts/release.sh tag [ARGS] a pipeline on tag vX.Y.Z: signs with the key
#                                 GPG_FINGERPRINT names (imported from CI
#                                 secrets); ARGS go to goreleaser (e.g.
#                                 --skip=publish when only a registry gets it)
#
# Environment:
#   VAULTBOOT_RELEASE_VERSION  snapshot version (default: next patch + "-local")
#   VAULTBOOT_RELEASE_TARGETS  all (default: linux, darwin, windows x amd64,
#                              arm64) or host (this machine's os/arch only:
#                              what the install test in make test builds)
#   VAULTBOOT_RELEASE_DIST     output directory (default: dist), emptied first
#   VAULTBOOT_SIGNING_HOME     snapshot only: the GnuPG home that keeps the
#                              throwaway key (default: a temporary one, removed)
#
# Besides goreleaser's output, dist/ gets the registry manifest under its
# release name and signing-key.asc, the armored public key a registry
# publishes so Terraform can check the signature.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mode="${1:-}"
[ $# -gt 0 ] && shift
dist="${VAULTBOOT_RELEASE_DIST:-dist}"
targets="${VAULTBOOT_RELEASE_TARGETS:-all}"
project=terraform-provider-vaultboot

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'release: %s\n' "$*" >&2; exit 1; }

case "$mode" in
  snapshot | tag) ;;
  *) die "usage: scripts/release.sh snapshot|tag [goreleaser args]" ;;
esac
case "$targets" in
  all | host) ;;
  *) die "VAULTBOOT_RELEASE_TARGETS must be all or host, not '$targets'" ;;
esac
# An empty version means the default; a set one names files and URLs.
if [ -z "${VAULTBOOT_RELEASE_VERSION:-}" ]; then
  unset VAULTBOOT_RELEASE_VERSION
elif ! [[ "$VAULTBOOT_RELEASE_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  die "VAULTBOOT_RELEASE_VERSION must be a version such as 1.2.3 or 1.2.3-rc.1 (no v), not '$VAULTBOOT_RELEASE_VERSION'"
fi

# ensure_gpg installs GnuPG from the distribution on a fresh Debian/Ubuntu
# machine (the only package this needs); elsewhere it says what is missing.
ensure_gpg() {
  command -v gpg >/dev/null && return 0
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "gpg: installing Debian's gnupg package"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnupg >&2
  fi
  command -v gpg >/dev/null || die "gpg is missing: install GnuPG (Debian/Ubuntu: apt-get install gnupg)"
}

# throwaway_key makes an unprotected RSA signing key in $GNUPGHOME and sets
# GPG_FINGERPRINT. RSA, because Terraform before 1.6 verifies nothing else.
throwaway_key() {
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
    --quick-gen-key "vaultboot release-local (throwaway) <release-local@vaultboot.invalid>" rsa3072 sign 1d 2>/dev/null
  GPG_FINGERPRINT="$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')"
  [ -n "$GPG_FINGERPRINT" ] || die "gpg made no key in $GNUPGHOME"
  export GPG_FINGERPRINT
  say "signing with a throwaway RSA key made for this run: $GPG_FINGERPRINT"
}

# config prints .goreleaser.yml with dist set and, for host builds, the
# targets narrowed to this machine; it fails if the targets lines moved.
config() {
  local goos goarch
  if [ "$targets" = host ]; then
    goos="$(go env GOOS)" goarch="$(go env GOARCH)"
    [ "$(grep -Ec '^    goos: \[|^    goarch: \[' .goreleaser.yml)" = 2 ] ||
      die ".goreleaser.yml: expected one 'goos: [...]' and one 'goarch: [...]' line to narrow"
    sed -e "s/^    goos: \[.*/    goos: [$goos]/" -e "s/^    goarch: \[.*/    goarch: [$goarch]/" .goreleaser.yml
  else
    cat .goreleaser.yml
  fi
  printf '\ndist: %s\n' "$dist"
}

ensure_gpg
goreleaser="$(scripts/ensure-goreleaser.sh)"

if [ "$mode" = snapshot ]; then
  if [ -n "${VAULTBOOT_SIGNING_HOME:-}" ]; then
    export GNUPGHOME="$VAULTBOOT_SIGNING_HOME"
  else
    GNUPGHOME="$(mktemp -d "${TMPDIR:-/tmp}/vaultboot-gnupg.XXXXXX")"
    export GNUPGHOME
    trap 'gpgconf --kill all 2>/dev/null || true; rm -rf "$GNUPGHOME"' EXIT
  fi
  mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
  throwaway_key
  args=(release --snapshot --clean)
else
  [ -n "${GPG_FINGERPRINT:-}" ] || die "GPG_FINGERPRINT is not set: import the signing key and name it (see examples/ci/release/README.md)"
  args=(release --clean "$@")
fi

say "goreleaser ${args[*]} (targets: $targets, dist: $dist)"
config | "$goreleaser" "${args[@]}" -f - >&2

# The release's version is goreleaser's, from the tag or the snapshot template.
version="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dist/metadata.json" | head -1)"
[ -n "$version" ] || die "no version in $dist/metadata.json"
sums="$dist/${project}_${version}_SHA256SUMS"
cp terraform-registry-manifest.json "$dist/${project}_${version}_manifest.json"
gpg --batch --armor --export "$GPG_FINGERPRINT" >"$dist/signing-key.asc"

# Check what a registry and Terraform will check: the signature over the
# SUMS, and every listed file's hash.
gpg --batch --quiet --verify "$sums.sig" "$sums" 2>/dev/null || die "the signature $sums.sig does not verify"
(cd "$dist" && sha256sum --quiet --check "$(basename "$sums")") || die "a file in $dist does not match $sums"
say "$project $version in $dist/:"
(cd "$dist" && ls -1 "${project}_${version}"_*) | sed 's/^/    /' >&2
echo "$version"
