#!/usr/bin/env bash
# Puts the browser app in place for nginx without a moment where it is missing or mixed:
#   deploy/install-public.sh SOURCE SHARE_DIR     (install.sh and upgrade.sh: public/ /usr/share/booking)
# Copies SOURCE into SHARE_DIR/public-<hash of its files>, then points SHARE_DIR/public (the
# site's root) at it by renaming a symlink over it, which is atomic. The previous version is
# kept beside it (pages still open load their modules from it); older ones are removed.
# Prints the new directory.
set -euo pipefail
source_dir=${1:?source directory}
share=${2:?share directory}
[ -d "$source_dir" ] || { echo "install-public: $source_dir is not a directory" >&2; exit 1; }
mkdir -p "$share"
version=$(cd "$source_dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
target="public-$version"
if [ ! -d "$share/$target" ]; then
    rm -rf "$share/.$target.partial"
    cp -r "$source_dir" "$share/.$target.partial"
    # The page names its script and style by version: nginx serves /v/HASH/... from this
    # directory with a year of caching, and the modules' relative imports stay under it.
    # index.html itself is revalidated on every load, so a new version is picked up at once.
    sed -i -e "s#src=\"/app.js\"#src=\"/v/$version/app.js\"#" -e "s#href=\"/styles/#href=\"/v/$version/styles/#" \
        "$share/.$target.partial/index.html"
    chmod -R a+rX "$share/.$target.partial"
    mv -T "$share/.$target.partial" "$share/$target"
fi
previous=""
if [ -L "$share/public" ]; then
    previous=$(readlink "$share/public")
elif [ -e "$share/public" ]; then
    # An install from before versioned directories: moved aside once (a moment without it).
    previous="public-previous"
    rm -rf "$share/$previous"
    mv -T "$share/public" "$share/$previous"
fi
ln -sfn "$target" "$share/.public.new"
mv -T "$share/.public.new" "$share/public"
for old in "$share"/public-*; do
    name=$(basename "$old")
    [ "$name" = "$target" ] || [ "$name" = "$previous" ] || rm -rf "$old"
done
echo "$share/$target"
