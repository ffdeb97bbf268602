#!/usr/bin/env bash
# Renders Dudao's app icons (a white 督 on the theme blue #1f5fa8) to PNG with headless Chromium,
# so nothing is downloaded and the committed PNGs do not depend on the phone's fonts.
#   icon-192.png, icon-512.png      "any": rounded square, glyph large
#   icon-maskable-512.png           full-bleed, glyph inside the central 80 % safe zone
#   apple-touch-icon.png (180)      full-bleed square (iOS rounds the corners itself)
# Run from anywhere: public/make-icons.sh   (needs /usr/bin/chromium and Noto Sans CJK)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/icons"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# name size radius(% of size) glyph(% of size)
render() {
  local name=$1 size=$2 radius=$3 glyph=$4
  cat >"$tmp/$name.html" <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html,body{margin:0;width:${size}px;height:${size}px;overflow:hidden;background:transparent}
.i{width:${size}px;height:${size}px;border-radius:${radius}%;background:#1f5fa8;
   display:flex;flex-direction:column;align-items:center;justify-content:center}
.g{color:#fff;font:700 $((size * glyph / 100))px/1 "Noto Sans CJK SC","Noto Sans CJK JP",sans-serif;
   transform:translateY(-2%)}
.bar{width:$((size * glyph * 70 / 10000))px;height:$((size * glyph / 1600))px;
   margin-top:$((size * glyph / 1200))px;border-radius:$((size / 100))px;background:#ffc857}
</style></head><body><div class="i"><span class="g">督</span><div class="bar"></div></div></body></html>
HTML
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --force-device-scale-factor=1 --default-background-color=00000000 \
    --window-size="$size,$size" --screenshot="$out/$name.png" "file://$tmp/$name.html" >/dev/null 2>&1
  echo "wrote $out/$name.png"
}

render icon-192 192 22 62
render icon-512 512 22 62
render icon-maskable-512 512 0 46
render apple-touch-icon 180 0 60
