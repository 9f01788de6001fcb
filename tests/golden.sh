#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every fixture host gives the findings and groups recorded in NAME.expected/.
# VD_REGENERATE=1 rewrites the expectations (review the diff before committing).
. "$(dirname "$0")/lib.sh"

for root in "$HOSTS"/*/; do
	root=${root%/}
	name=$(basename "$root")
	[ -d "$root/sys" ] || continue
	exp="$HOSTS/$name.expected"
	mkdir -p "$TMP/$name"
	vd --root "$root" check --json >"$TMP/$name/check.json"; echo $? >"$TMP/$name/check.exit"
	vd --root "$root" --no-color check >"$TMP/$name/check.txt"
	vd --root "$root" groups --json >"$TMP/$name/groups.json"; echo $? >"$TMP/$name/groups.exit"
	vd --root "$root" --no-color groups >"$TMP/$name/groups.txt"
	for f in check.json check.txt groups.json groups.txt; do
		norm "$root" <"$TMP/$name/$f" >"$TMP/$name/$f.n" && mv "$TMP/$name/$f.n" "$TMP/$name/$f"
	done
	json_ok "$TMP/$name/check.json" || fail "$name: check --json is not valid JSON"
	json_ok "$TMP/$name/groups.json" || fail "$name: groups --json is not valid JSON"
	if [ -n "${VD_REGENERATE:-}" ]; then
		rm -rf "$exp"; cp -r "$TMP/$name" "$exp"; ok "$name: regenerated"; continue
	fi
	if diff -ru "$exp" "$TMP/$name"; then ok "$name"; else fail "$name: output differs from $exp"; fi
done
finish
