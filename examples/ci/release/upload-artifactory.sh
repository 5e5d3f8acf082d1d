#!/usr/bin/env bash
# Publishes the release in dist/ to a JFrog Artifactory Terraform provider
# repository (a local repository of package type Terraform): the zips, the
# SHA256SUMS and its signature go under NAMESPACE/vaultboot/VERSION/, where
# Artifactory's provider registry endpoint finds them. Register the public
# key (dist/signing-key.asc) with the repository as your Artifactory
# version's documentation on Terraform provider signing describes.
#
#   ARTIFACTORY_URL        https://example.jfrog.io
#   ARTIFACTORY_REPO       the Terraform repository key
#   ARTIFACTORY_TOKEN      an access token allowed to deploy to it
#   REGISTRY_NAMESPACE     the namespace consumers use
#
# Not exercised by make test (no Artifactory here); it follows JFrog's
# "Deploy Terraform Providers via API" page.
set -euo pipefail
: "${ARTIFACTORY_URL:?}" "${ARTIFACTORY_REPO:?}" "${ARTIFACTORY_TOKEN:?}" "${REGISTRY_NAMESPACE:?}"
project=terraform-provider-vaultboot
version="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' dist/metadata.json | head -1)"
base="$ARTIFACTORY_URL/artifactory/$ARTIFACTORY_REPO/$REGISTRY_NAMESPACE/vaultboot/$version"

# The zips first, the signed SHA256SUMS that vouches for them last.
for file in dist/"${project}_${version}"_*.zip dist/"${project}_${version}"_SHA256SUMS dist/"${project}_${version}"_SHA256SUMS.sig; do
  curl --silent --show-error --fail --header "Authorization: Bearer $ARTIFACTORY_TOKEN" \
    --upload-file "$file" "$base/$(basename "$file")" >/dev/null
  echo "uploaded $(basename "$file")"
done
