#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prepare build/linux: the pinned base as the first commit (tag "base"),
# then the series from patches/series, each patch its own commit together
# with the new (overlay) files it adds.  The commits are built with git
# plumbing and checked out at the end, so only files whose content changed
# get a new mtime and kbuild's incremental build stays incremental.
#
# Usage: prepare.sh [--check]   --check: build the commits, print the
#                                resulting tree id, touch nothing else.

. "$(dirname "$0")/lib.sh"

CHECK=0
[ "${1:-}" = --check ] && CHECK=1

git_src() { git -C "$SRC" "$@"; }

extract_base() {
	local ver=$1 date
	step "prepare: extracting $BASE_PKG $ver into build/linux"
	rm -rf "$SRC" "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -xJf "$BASE_TARBALL" -C "$SRC.tmp" --strip-components=1
	date="$(stat -c %Y "$BASE_TARBALL") +0000"
	info "prepare: committing the pristine base (git add of the whole tree)"
	(
		cd "$SRC.tmp"
		git init -q -b series
		git config core.looseCompression 1
		git config gc.auto 0
		git add -A -f .
		GIT_AUTHOR_NAME="$GIT_COMMITTER_NAME" \
		GIT_AUTHOR_EMAIL="$GIT_COMMITTER_EMAIL" \
		GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
			git commit -q -m "Linux $BASE_PKG $ver (pristine base)"
		git tag base
		echo "$ver" >.git/harness-base-version
		# Debian's .gitignore ignores everything at the top level ("/*"),
		# which would hide new files from git add.  Drop that rule from
		# the work tree copy only; the base commit stays pristine.
		if grep -qx '/\*' .gitignore; then
			sed -i '/^# Debian packaging/,$d' .gitignore
			git update-index --skip-worktree .gitignore
		fi
	)
	mv "$SRC.tmp" "$SRC"
}

# Parse patches/series: "NAME.patch [# adds: path ...]".  Prints
# "NAME<TAB>path path ..." per patch.
read_series() {
	[ -f "$TOP/patches/series" ] || return 0
	sed -e 's/^[[:space:]]*//' "$TOP/patches/series" | while read -r line; do
		case "$line" in ''|'#'*) continue ;; esac
		name=${line%%[[:space:]#]*}
		adds=
		case "$line" in *'# adds:'*) adds=${line#*# adds:} ;; esac
		printf '%s\t%s\n' "$name" "$(echo $adds)"
	done
}

# Add overlay files to the temporary index.
index_add_files() {
	local f blob mode
	for f in "$@"; do
		if git_src cat-file -e "base:$f" 2>/dev/null; then
			die "overlay file $f exists in the base: change it with a patch, never copy upstream files"
		fi
		blob=$(git_src hash-object -w -- "$TOP/$f")
		mode=100644
		[ -x "$TOP/$f" ] && mode=100755
		git_src update-index --add --cacheinfo "$mode,$blob,$f"
	done
}

commit_index() {   # parent author email date message-file
	local tree
	tree=$(git_src write-tree)
	GIT_AUTHOR_NAME=$2 GIT_AUTHOR_EMAIL=$3 GIT_AUTHOR_DATE=$4 \
	GIT_COMMITTER_DATE=$4 git_src commit-tree "$tree" -p "$1" -F "$5"
}

build_series() {
	local tmp head name adds files all_claimed f
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	export GIT_INDEX_FILE="$tmp/index"
	git_src read-tree base
	head=$(git_src rev-parse base)
	local base_date
	base_date=$(git_src log -1 --format=%ad --date=raw base)

	overlay_files >"$tmp/overlay"
	read_series >"$tmp/series"
	cut -f2 "$tmp/series" | tr ' ' '\n' | sed '/^$/d' | sort -u >"$tmp/claimed"
	for f in $(cut -f2 "$tmp/series"); do
		grep -qxF "$f" "$tmp/overlay" ||
			die "patches/series claims $f, which is not in the repository"
	done
	comm -23 "$tmp/overlay" "$tmp/claimed" >"$tmp/unclaimed"
	if [ -s "$tmp/unclaimed" ]; then
		warn "new files not claimed by a patch in patches/series (committed first):"
		sed 's/^/    /' "$tmp/unclaimed" >&2
		index_add_files $(cat "$tmp/unclaimed")
		printf 'overlay: new files not yet assigned to a patch\n' >"$tmp/msg"
		head=$(commit_index "$head" "$GIT_COMMITTER_NAME" \
			"$GIT_COMMITTER_EMAIL" "$base_date" "$tmp/msg")
	fi

	while IFS=$'\t' read -r name adds; do
		local p="$TOP/patches/$name"
		[ -f "$p" ] || die "patches/series lists $name, which does not exist"
		git mailinfo "$tmp/body" "$tmp/diff" <"$p" >"$tmp/info"
		local subj author email date
		subj=$(sed -n 's/^Subject: //p' "$tmp/info")
		author=$(sed -n 's/^Author: //p' "$tmp/info")
		email=$(sed -n 's/^Email: //p' "$tmp/info")
		date=$(sed -n 's/^Date: //p' "$tmp/info")
		[ -n "$subj" ] && [ -n "$author" ] || die "$name: not a git format-patch file"
		if grep -q '^diff --git' "$tmp/diff"; then
			(cd "$SRC" && git apply --cached --whitespace=nowarn "$tmp/diff") ||
				die "$name does not apply"
		fi
		# shellcheck disable=SC2086
		index_add_files $adds
		{ echo "$subj"; echo; cat "$tmp/body"; } >"$tmp/msg"
		head=$(commit_index "$head" "$author" "$email" "$date" "$tmp/msg")
	done <"$tmp/series"
	unset GIT_INDEX_FILE
	echo "$head"
}

ver=$(base_version)
if [ ! -d "$SRC/.git" ] || [ "$(cat "$SRC/.git/harness-base-version" 2>/dev/null)" != "$ver" ]; then
	[ $CHECK = 1 ] && die "build/linux is not prepared"
	extract_base "$ver"
fi

if [ $CHECK = 1 ]; then
	git_src rev-parse "$(build_series)^{tree}"
	exit 0
fi

stamp=$(sha_of_inputs)
prepared=$(git_src rev-parse -q --verify refs/harness/prepared || true)
headc=$(git_src rev-parse HEAD)
if [ -n "$prepared" ] && [ "$headc" = "$prepared" ] &&
   [ "$(cat "$SRC/.git/harness-stamp" 2>/dev/null)" = "$stamp" ] &&
   [ -z "$(git_src status --porcelain --untracked-files=no)" ]; then
	exit 0
fi

# Never throw away work done in build/linux that was not exported.
if [ -n "$(git_src status --porcelain --untracked-files=no)" ]; then
	die "build/linux has uncommitted changes: commit them and run 'make export', or discard them (git -C build/linux checkout -f)"
fi
if [ -n "$prepared" ] && [ "$headc" != "$prepared" ]; then
	new=$(build_series)
	if [ "$(git_src rev-parse "$headc^{tree}")" != "$(git_src rev-parse "$new^{tree}")" ]; then
		die "build/linux has commits that are not exported: run 'make export' first (or 'git -C build/linux reset --hard refs/harness/prepared' to drop them)"
	fi
fi

step "prepare: applying the overlay and patches/series on the base"
new=$(build_series)
git_src checkout -q -B series "$new"
git_src update-ref refs/harness/prepared "$new"
echo "$stamp" >"$SRC/.git/harness-stamp"
info "prepare: base $ver + $(git_src rev-list --count base..HEAD) commit(s):"
git_src log --format='      %h %s' base..HEAD
