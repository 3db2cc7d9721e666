#!/usr/bin/env bash
# The README's "install from packed tarballs" path, as a user runs it: pack every package,
# install the tarballs with npm into a fresh project outside the workspace, and run an ESM and
# a CommonJS app against the packed emulator. Fails when any step fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
app=$(mktemp -d)
trap 'rm -rf "$app"' EXIT

cd "$repo"
pnpm pack:tarballs >/dev/null
cd "$app"
npm init -y >/dev/null
npm install --no-audit --no-fund "$repo"/.tarballs/*.tgz
cp "$repo/test/packed/esm.mjs" "$repo/test/packed/cjs.cjs" .
node esm.mjs
node cjs.cjs
echo "packed tarballs: installed and ran as ESM and CommonJS"
