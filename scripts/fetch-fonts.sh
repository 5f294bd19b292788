#!/usr/bin/env bash
# Fetches the fonts the MoU evaluation PDF embeds (Noto Sans for Latin,
# Greek and Cyrillic, Noto Sans Arabic, Noto Sans Thai, Noto Sans SC for
# Chinese) from the npm registry into a per-user cache outside the
# repository, checks every package tarball against the pinned sha512
# integrity string and every font file against its pinned sha256, and
# prints the cache directory. The list, with the pins, is
# internal/report/fonts/manifest.txt: the same file the Go code embeds and
# checks against.
#
# Usage: scripts/fetch-fonts.sh [DIR]
#   With DIR (make passes internal/report/fonts), the fonts and their
#   licences are also copied there, where `go build` embeds them.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/internal/report/fonts/manifest.txt"
dest="${1:-}"

# The cache directory is named after the manifest's content, so that a new
# pin fetches anew instead of mixing versions.
set_id=$(grep -v '^#' "$manifest" | sha256sum | cut -c1-12)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/postclear/fonts/$set_id"

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# entries prints "file package integrity path sha256" for each font.
entries() { awk '!/^#/ && NF == 7 { print $1, $4, $5, $6, $7 }' "$manifest"; }

complete=1
while read -r file _ _ _ sum; do
  if [ ! -f "$cache/$file" ] || [ "$(sha256 "$cache/$file")" != "$sum" ]; then complete=0; fi
done < <(entries)

if [ "$complete" = 0 ]; then
  . "$root/scripts/lib.sh"
  need npm npm "fetching the PDF's fonts"
  need node npm "fetching the PDF's fonts"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  fetched=""
  while read -r file pkg integrity path sum; do
    dir="$tmp/$(echo "$pkg" | tr '/@' '__')"
    if [[ " $fetched " != *" $pkg "* ]]; then
      echo "fetch-fonts: fetching $pkg" >&2
      mkdir -p "$dir"
      tgz=$(npm_tarball "$pkg" "$integrity" "$dir")
      tar -xzf "$tgz" -C "$dir"
      name=${pkg%@*}
      cp "$dir/package/LICENSE_FONT" "$cache/OFL-${name##*/}.txt"
      fetched="$fetched $pkg"
    fi
    if [ "$(sha256 "$dir/package/$path")" != "$sum" ]; then
      echo "fetch-fonts: $pkg $path does not have the pinned sha256 $sum" >&2
      exit 1
    fi
    cp "$dir/package/$path" "$cache/$file.partial"
    mv "$cache/$file.partial" "$cache/$file"
  done < <(entries)
fi

if [ -n "$dest" ]; then
  mkdir -p "$dest"
  # Fonts of an older manifest would be embedded for nothing.
  for f in "$dest"/*.ttf; do
    [ -e "$f" ] && ! grep -q "^$(basename "$f") " "$manifest" && rm -f "$f"
  done
  for f in "$cache"/*.ttf "$cache"/OFL-*.txt; do
    cmp -s "$f" "$dest/$(basename "$f")" || cp "$f" "$dest/"
  done
fi
echo "$cache"
