#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The committed fixture trees are exactly what mkhost.py builds from their specs.
. "$(dirname "$0")/lib.sh"
for spec in "$HOSTS"/specs/*.json; do
	name=$(basename "$spec" .json)
	python3 "$HOSTS/mkhost.py" "$spec" "$TMP/$name" || { fail "$name: mkhost failed"; continue; }
	# pci.ids subsets are cut once from the system's pci.ids (--ids) and kept.
	mkdir -p "$TMP/$name/usr/share/misc" && cp "$HOSTS/$name/usr/share/misc/pci.ids" "$TMP/$name/usr/share/misc/"
	if diff -r --no-dereference "$HOSTS/$name" "$TMP/$name" >"$TMP/diff"; then
		ok "$name matches its spec"
	else
		fail "$name differs from specs/$name.json:"; head -20 "$TMP/diff"
	fi
done
finish
