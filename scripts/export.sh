#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export build/linux back into the repository: for every commit after the
# base, the changes to upstream files become patches/NNNN-*.patch (listed
# in patches/series with the new files that commit adds), and new files
# are copied to their kernel paths.  Then the series is rebuilt from the
# repository and its tree compared with build/linux's HEAD: the round
# trip must be exact.

. "$(dirname "$0")/lib.sh"

git_src() { git -C "$SRC" "$@"; }
[ -d "$SRC/.git" ] || die "build/linux does not exist: run 'make prepare'"
[ -z "$(git_src status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them first"
untracked=$(git_src status --porcelain | sed -n 's/^?? //p')
[ -z "$untracked" ] || warn "untracked files in build/linux are not exported: $untracked"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# New files: in HEAD, not in the base.
git_src diff --name-only --no-renames --diff-filter=A base HEAD >"$tmp/new"
# Files new in the series must lie in overlay directories.
while read -r f; do
	case $f in
	scripts/*|Makefile) die "$f: new files under scripts/ or the top Makefile cannot be exported (the repository's own scripts/ and Makefile are the harness)" ;;
	esac
done <"$tmp/new"

step "export: $(git_src rev-list --count base..HEAD) commit(s) from build/linux"
rm -f "$TOP"/patches/*.patch
: >"$tmp/series"
i=0
for c in $(git_src rev-list --reverse base..HEAD); do
	i=$((i + 1))
	subj=$(git_src log -1 --format=%s "$c")
	if [ "$subj" = "overlay: new files not yet assigned to a patch" ]; then
		continue
	fi
	rm -rf "$tmp/fp"
	name=$(git_src format-patch -1 --start-number "$i" -o "$tmp/fp" "$c")
	name=$(basename "$name")
	adds=$(git_src diff --name-only --no-renames --diff-filter=A "$c^" "$c" |
		grep -xFf "$tmp/new" || true)
	# Patch without the sections of new files (they live in the overlay).
	git_src format-patch -1 --stdout --no-stat --no-signature --zero-commit "$c" |
		awk -v list="$tmp/new" '
		BEGIN { while ((getline f < list) > 0) isnew["a/" f] = 1 }
		/^diff --git / { skip = ($3 in isnew) }
		!skip { print }
		' >"$TOP/patches/$name"
	if [ -n "$adds" ]; then
		printf '%s # adds: %s\n' "$name" "$(echo $adds)" >>"$tmp/series"
	else
		printf '%s\n' "$name" >>"$tmp/series"
	fi
	# A new file changed again by a later commit: its history collapses
	# into the commit that adds it.
	for f in $(git_src diff --name-only --no-renames --diff-filter=M "$c^" "$c" | grep -xFf "$tmp/new" || true); do
		warn "$name changes $f, added by an earlier commit: squash the change into that commit to keep the history"
	done
	info "export: $name${adds:+ (adds $(echo "$adds" | wc -l) file(s))}"
done
{
	echo "# Series on top of the pinned base, applied in order by scripts/prepare.sh."
	echo "# '# adds:' lists the new files (kept at their kernel paths) that a patch adds."
	cat "$tmp/series"
} >"$TOP/patches/series"

# New files: copy from HEAD, drop overlay files that no longer exist.
while read -r f; do
	mkdir -p "$TOP/$(dirname "$f")"
	git_src show "HEAD:$f" >"$TOP/$f"
	mode=$(git_src ls-tree HEAD -- "$f" | cut -d' ' -f1)
	if [ "$mode" = 100755 ]; then chmod +x "$TOP/$f"; else chmod -x "$TOP/$f"; fi
done <"$tmp/new"
overlay_files | while read -r f; do
	grep -qxF "$f" "$tmp/new" || { info "export: removing $f"; rm -f "$TOP/$f"; }
done
find $(overlay_dirs) -depth -type d -empty -delete 2>/dev/null || true

# Round trip: the series rebuilt from the repository must give HEAD's tree.
want=$(git_src rev-parse "HEAD^{tree}")
got=$("$TOP/scripts/prepare.sh" --check)
[ "$got" = "$want" ] || die "round trip mismatch: build/linux tree $want, rebuilt from the repository $got"
git_src update-ref refs/harness/prepared HEAD
sha_of_inputs >"$SRC/.git/harness-stamp"
info "export: round trip exact (tree $want); review with 'git status' and 'git diff'"
