#!/usr/bin/env bash
# Trunk post_build hook (see Trunk.toml): writes the service worker into the staged build.
# Lists every staged file (index.html, Trunk's hashed JS/wasm/CSS, the icons and the manifest)
# as the precache list, and sets VERSION to a hash of those files' names and contents (and of
# public/sw.js itself), so any change to the build is a new version with its own cache
# (dudao-shell-<VERSION>).
# Then it precompresses every text file (the wasm, JS, CSS, HTML, the worker and the manifest)
# next to itself as NAME.br (brotli, quality 11) and NAME.gz (gzip -9), which the server sends
# to a browser that accepts them (server/src/static_files.rs). Compressing once at build time
# lets it use the slowest, smallest settings; without the `brotli` command (scripts/setup
# installs it) only .gz is written and the server falls back to gzip.
# Trunk sets TRUNK_STAGING_DIR and TRUNK_SOURCE_DIR; both may be given by hand to test it:
#   TRUNK_STAGING_DIR=dist TRUNK_SOURCE_DIR=. public/gen-sw.sh
set -euo pipefail
stage="${TRUNK_STAGING_DIR:?run as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)}"
src="${TRUNK_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
template="$src/public/sw.js"

# sha256sum on Linux, shasum on macOS.
if command -v sha256sum >/dev/null; then sha() { sha256sum "$@"; }; else sha() { shasum -a 256 "$@"; }; fi

cd "$stage"
# Every file but the worker itself, as absolute URL paths, in a stable order.
files="$(find . -type f ! -name sw.js ! -name '*.br' ! -name '*.gz' ! -path '*/.*' | sed 's|^\./|/|' | LC_ALL=C sort)"
if ! grep -qx '/index.html' <<<"$files"; then
  echo "gen-sw: no index.html in $stage; not writing sw.js" >&2
  exit 1
fi
# The worker's own code counts too: a change to it alone is a new version as well.
version="$( (while read -r f; do printf '%s\n' "$f"; sha ".$f" | cut -d' ' -f1; done <<<"$files"
  sha "$template" | cut -d' ' -f1) | sha | cut -c1-16)"
list="[$(sed 's/.*/"&"/' <<<"$files" | paste -sd, | sed 's/,/, /g')]"

sed -e "s|__DUDAO_VERSION__|$version|" -e "s|__DUDAO_PRECACHE__|$list|" "$template" >sw.js
echo "gen-sw: sw.js version $version, $(wc -l <<<"$files") files precached"

# Precompressed copies; never listed above, so the worker's cache holds each file once. Not of
# the worker itself: a few KB, compressed on the fly, and always read as it is on disk (a stale
# sw.js.br next to a replaced sw.js would hide the new release from every phone).
compressed=0
while IFS= read -r -d '' f; do
  gzip -9 -n -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
  compressed=$((compressed + 1))
done < <(find . -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.webmanifest' -o -name '*.json' -o -name '*.svg' \) ! -name sw.js ! -path '*/.*' -print0)
command -v brotli >/dev/null || echo "gen-sw: no brotli command (scripts/setup installs it); gzip only" >&2
echo "gen-sw: $compressed files precompressed"
