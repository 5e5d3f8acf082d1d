#!/usr/bin/env bash
# Publishes the release in dist/ to the private registry of an HCP Terraform
# (Terraform Cloud) or Terraform Enterprise organization through its API:
# provider, GPG key, version (+ SHA256SUMS and .sig), one platform per zip.
# Consumers then use source = "app.terraform.io/ORG/vaultboot" (or TFE's host).
#
#   TFC_TOKEN  a team token with "Manage Private Registry"
#   TFC_ORG    the organization (also the provider's namespace)
#   TFC_HOST   app.terraform.io (default) or your Terraform Enterprise host
#
# Needs curl and jq. Not exercised by make test (no HCP Terraform here); it
# follows HashiCorp's "Publishing private providers" API steps.
set -euo pipefail
: "${TFC_TOKEN:?set TFC_TOKEN}" "${TFC_ORG:?set TFC_ORG}"
host="${TFC_HOST:-app.terraform.io}"
api="https://$host/api"
name=vaultboot
project=terraform-provider-vaultboot
version="$(jq -r .version dist/metadata.json)"

# call METHOD PATH [JSON]: one authenticated JSON:API request; fails on HTTP errors.
call() {
  curl --silent --show-error --fail-with-body --request "$1" \
    --header "Authorization: Bearer $TFC_TOKEN" --header "Content-Type: application/vnd.api+json" \
    ${3:+--data "$3"} "$api$2"
}
upload() { curl --silent --show-error --fail --upload-file "$1" "$2" >/dev/null; }

provider="/v2/organizations/$TFC_ORG/registry-providers/private/$TFC_ORG/$name"
if ! call GET "$provider" >/dev/null 2>&1; then
  call POST "/v2/organizations/$TFC_ORG/registry-providers" \
    "$(jq -n --arg n "$name" --arg o "$TFC_ORG" '{data: {type: "registry-providers", attributes: {name: $n, namespace: $o, "registry-name": "private"}}}')" >/dev/null
fi

# The signing key, uploaded once; its key ID ties versions to it.
key_id="$(gpg --show-keys --with-colons dist/signing-key.asc | awk -F: '$1 == "pub" { print $5; exit }')"
if ! call GET "/registry/private/v2/gpg-keys?filter%5Bnamespace%5D=$TFC_ORG" | jq -e --arg k "$key_id" '.data[] | select(.attributes["key-id"] == $k)' >/dev/null; then
  call POST /registry/private/v2/gpg-keys \
    "$(jq -n --arg o "$TFC_ORG" --rawfile a dist/signing-key.asc '{data: {type: "gpg-keys", attributes: {namespace: $o, "ascii-armor": $a}}}')" >/dev/null
fi

protocols="$(jq -c .metadata.protocol_versions terraform-registry-manifest.json)"
links="$(call POST "$provider/versions" \
  "$(jq -n --arg v "$version" --arg k "$key_id" --argjson p "$protocols" '{data: {type: "registry-provider-versions", attributes: {version: $v, "key-id": $k, protocols: $p}}}')")"
upload "dist/${project}_${version}_SHA256SUMS" "$(jq -r '.data.links["shasums-upload"]' <<<"$links")"
upload "dist/${project}_${version}_SHA256SUMS.sig" "$(jq -r '.data.links["shasums-sig-upload"]' <<<"$links")"

# One platform per zip listed in the signed SHA256SUMS.
while read -r shasum file; do
  [[ "$file" =~ ^${project}_${version}_([a-z0-9]+)_([a-z0-9]+)\.zip$ ]] || continue
  os="${BASH_REMATCH[1]}" arch="${BASH_REMATCH[2]}"
  link="$(call POST "$provider/versions/$version/platforms" \
    "$(jq -n --arg o "$os" --arg a "$arch" --arg s "$shasum" --arg f "$file" '{data: {type: "registry-provider-version-platforms", attributes: {os: $o, arch: $a, shasum: $s, filename: $f}}}')" |
    jq -r '.data.links["provider-binary-upload"]')"
  upload "dist/$file" "$link"
  echo "uploaded $file"
done <"dist/${project}_${version}_SHA256SUMS"
