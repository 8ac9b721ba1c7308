#!/usr/bin/env bash
# Fetches the SPARQL editor that `fmkg serve` shows at /query: YASGUI (Zazuko's maintained fork,
# @zazuko/yasgui on the npm registry, MIT licence, (c) Triply and Zazuko), pinned by version and by
# the registry's SHA-512 of the package. Its built bundle (yasgui.min.js and .css, which carry
# CodeMirror 5, DataTables and the other parts YASGUI is built from, under their MIT licences) is
# copied into src/fmkg/server/editor/vendor/, which git ignores and the wheel includes; nothing of it
# is committed. Without these files the server still runs and /query says how to get them.
#
# Needs npm (Node.js) and the npm registry, once; the server never goes to the network.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE="@zazuko/yasgui"
VERSION="4.6.2"
INTEGRITY="sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
VENDOR="src/fmkg/server/editor/vendor"
STAMP="$VENDOR/VERSION"

if [ -f "$STAMP" ] && [ "$(head -n 1 "$STAMP")" = "$PACKAGE@$VERSION" ] \
    && [ -s "$VENDOR/yasgui.min.js" ] && [ -s "$VENDOR/yasgui.min.css" ]; then
    echo "install-editor: $PACKAGE@$VERSION is already in $VENDOR"
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "install-editor: npm is not installed (apt-get install npm, or Node.js from nodejs.org)" >&2
    exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
npm pack --silent --pack-destination "$WORK" "$PACKAGE@$VERSION" >/dev/null
TARBALL="$(ls "$WORK"/*.tgz)"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w 0)"
if [ "$ACTUAL" != "$INTEGRITY" ]; then
    echo "install-editor: $TARBALL has $ACTUAL, expected $INTEGRITY; refusing it" >&2
    exit 1
fi
tar -xzf "$TARBALL" -C "$WORK" package/build/yasgui.min.js package/build/yasgui.min.css

# Into a staging folder first, then one rename: a stopped run leaves the old files or none.
mkdir -p "$(dirname "$VENDOR")"
STAGING="$(mktemp -d "$(dirname "$VENDOR")/.vendor.XXXXXX")"
chmod 755 "$STAGING"
cp "$WORK/package/build/yasgui.min.js" "$WORK/package/build/yasgui.min.css" "$STAGING/"
printf '%s\n%s\n%s\n' "$PACKAGE@$VERSION" "$INTEGRITY" "MIT licence, (c) Triply and Zazuko: https://github.com/rdfjs/Yasgui" >"$STAGING/VERSION"
rm -rf "$VENDOR"
mv "$STAGING" "$VENDOR"
echo "install-editor: $PACKAGE@$VERSION -> $VENDOR"
