#!/usr/bin/env bash
# Refreshes the browser library that `innosim serve`'s page ships with
# (web/vendor/echarts/): installs web/package-lock.json's exact versions with
# npm in a temporary folder and copies the minified build and its licences.
# Run by hand when the version in web/package.json changes; the build and the
# program never download anything (docs/serve.md, "The page's files").
# Usage: tools/vendor-web.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/web/package.json" "$root/web/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts)
m="$work/node_modules"
out="$root/web/vendor/echarts"
mkdir -p "$out"
cp "$m/echarts/dist/echarts.common.min.js" "$out/"
cp "$m/echarts/LICENSE" "$out/LICENSE.txt"
cp "$m/echarts/NOTICE" "$out/NOTICE.txt"
cp "$m/echarts/licenses/LICENSE-d3" "$out/LICENSE-d3.txt"
cp "$m/zrender/LICENSE" "$out/LICENSE-zrender.txt"
cp "$m/tslib/LICENSE.txt" "$out/LICENSE-tslib.txt"
echo "vendor-web: echarts $(node -p "require('$m/echarts/package.json').version") -> web/vendor/echarts"
sha256sum "$out/echarts.common.min.js"
