#!/usr/bin/env bash
# Publishes the release in dist/ to a static provider registry in an S3
# bucket served over HTTPS (CloudFront, or any TLS front end) at the host in
# consumers' source addresses. The same tree works on GCS (gsutil rsync),
# Azure Blob (az storage blob sync) or an nginx docroot (rsync).
#
#   REGISTRY_BUCKET     the bucket
#   REGISTRY_NAMESPACE  the source address's namespace: HOST/NAMESPACE/vaultboot
#
# make test serves the tree registry-publish writes to the real Terraform;
# the aws commands here are the only untested part.
set -euo pipefail
: "${REGISTRY_BUCKET:?set REGISTRY_BUCKET}" "${REGISTRY_NAMESPACE:?set REGISTRY_NAMESPACE}"

tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
versions="v1/providers/$REGISTRY_NAMESPACE/vaultboot/versions"

# fetch copies a published document into the tree, so this release is added
# to it; only a missing object (404) means there is none yet. Any other
# failure stops here: guessing would drop the versions already published.
fetch() {
  local out
  if ! out="$(aws s3 cp "s3://$REGISTRY_BUCKET/$1" "$tree/$1" 2>&1)"; then
    grep -q '(404)' <<<"$out" || { echo "$out" >&2; exit 1; }
    echo "no $1 yet: the first release into this registry"
  fi
}
fetch "$versions"
fetch .well-known/terraform.json

go run ./cmd/registry-publish -dist dist -root "$tree" -namespace "$REGISTRY_NAMESPACE"

# Release files first, the JSON documents that announce them last, so a
# client never finds a version whose files are not there yet.
files=(--exclude '*' --include '*.zip' --include '*_SHA256SUMS' --include '*_SHA256SUMS.sig' --include '*_manifest.json')
aws s3 sync "$tree/" "s3://$REGISTRY_BUCKET/" "${files[@]}"
aws s3 sync "$tree/" "s3://$REGISTRY_BUCKET/" --exclude '*.zip' --exclude '*_SHA256SUMS' \
  --exclude '*_SHA256SUMS.sig' --exclude '*_manifest.json' --content-type application/json --cache-control 'max-age=60'
