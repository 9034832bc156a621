#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build one kernel variant (configs/variants) out of tree in
# build/obj/<variant>.  Incremental: the configuration is regenerated only
# when a fragment changed, and kbuild rebuilds only what changed.
# Usage: build-kernel.sh <variant>      Last line: "kernel: <image>".
# CONFIG_ONLY=1: stop after configuring (used by check.sh).

. "$(dirname "$0")/lib.sh"

variant=${1:-default}
line=$(awk -v v="$variant" '$1 == v' "$TOP/configs/variants")
[ -n "$line" ] || die "unknown kernel variant '$variant' (see configs/variants)"
read -r _ tree frags <<<"$line"
# "arch=<ARCH>" among the fragments builds that architecture instead.
ARCH=$(variant_arch "$variant")
frags=$(for f in $frags; do case $f in arch=*) ;; *) printf '%s ' "$f" ;; esac; done)

case $tree in
series)
	"$TOP/scripts/prepare.sh"
	ksrc=$SRC
	;;
base)
	"$TOP/scripts/prepare.sh"
	ksrc=$BUILD/base-src
	if [ ! -d "$ksrc" ]; then
		step "baseline: checking out the pristine base in build/base-src"
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$ksrc" base
	fi
	;;
series+*.patch)
	# The series with one more change (a benchmark's alternative),
	# applied afresh on the series' current commit in a tree of its own.
	"$TOP/scripts/prepare.sh"
	patch=$TOP/${tree#series+}
	[ -f "$patch" ] || die "configs/variants: '$variant' has no ${tree#series+}"
	ksrc=$BUILD/trees/$variant
	if [ ! -d "$ksrc" ]; then
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$ksrc" HEAD
	fi
	git -C "$ksrc" checkout -q -f --detach "$(git -C "$SRC" rev-parse HEAD)"
	git -C "$ksrc" apply "$patch" ||
		die "${tree#series+} does not apply to the series any more"
	;;
*) die "configs/variants: unknown tree '$tree'" ;;
esac

obj=$BUILD/obj/$variant
mkdir -p "$obj"
cross=$(cross_compile "$ARCH")
target=$(image_target "$ARCH")
image=$obj/$(image_path "$ARCH")
KMAKE=(make -C "$ksrc" O="$obj" ARCH="$ARCH" -j"$(nproc)")
[ -z "$cross" ] || KMAKE+=(CROSS_COMPILE="$cross")
command -v ccache >/dev/null && KMAKE+=(CC="ccache ${cross}gcc")
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
frag_paths=()
for f in $frags; do frag_paths+=("$TOP/configs/$f"); done

# Verify that every option a fragment asks for made it into .config:
# Kconfig silently drops options whose dependencies are not met, and a
# build of another commit in the same tree (one that lacks an option's
# Kconfig entry) drops it from .config for good.  With "quiet", only the
# status says whether it matches.
verify_config() {
	local f opt want got msg bad=0 quiet=${1:-}
	local -A wanted=()
	local order=()
	# A later fragment overrides an earlier one, as merge_config.sh does.
	for f in "${frag_paths[@]}"; do
		while read -r opt want; do
			[ -n "${wanted[$opt]+set}" ] || order+=("$opt")
			wanted[$opt]=$want
		done < <(sed -nE 's/^(CONFIG_[A-Za-z0-9_]+)=(.*)/\1 \2/p;
				s/^# (CONFIG_[A-Za-z0-9_]+) is not set/\1 n/p' "$f")
	done
	for opt in "${order[@]}"; do
		want=${wanted[$opt]}
		got=$(grep -E "^$opt=|^# $opt is not set" "$obj/.config" | head -n1 || true)
		msg=
		case $got in
		"$opt=$want") ;;
		"# $opt is not set") [ "$want" = n ] || msg="$opt: wanted $want, not set" ;;
		"") [ "$want" = n ] || msg="$opt: wanted $want, missing" ;;
		*) msg="$opt: wanted $want, got ${got#*=}" ;;
		esac
		[ -z "$msg" ] && continue
		bad=1
		[ -n "$quiet" ] || warn "$msg"
	done
	[ -n "$quiet" ] && return $bad
	[ $bad = 0 ] || die "kernel config for '$variant' does not match configs/ (see above)"
}

cfg_stamp=$( (echo "$ARCH $frags"; cat "${frag_paths[@]}"; git -C "$ksrc" rev-parse HEAD:scripts/kconfig) | sha256sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.config-stamp" 2>/dev/null)" != "$cfg_stamp" ] ||
   ! verify_config quiet; then
	step "kernel[$variant]: configuring (tinyconfig + $frags)"
	run_logged "$LOGS/config-$variant.log" "${KMAKE[@]}" tinyconfig
	run_logged "$LOGS/config-$variant.log" env -C "$obj" \
		"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${frag_paths[@]}"
	run_logged "$LOGS/config-$variant.log" "${KMAKE[@]}" olddefconfig
	verify_config
	echo "$cfg_stamp" >"$obj/.config-stamp"
fi

if [ "${CONFIG_ONLY:-0}" = 1 ]; then
	echo "config: $obj/.config"
	exit 0
fi

step "kernel[$variant]: building $target (log: build/logs/kernel-$variant.log)"
t0=$(date +%s)
"${KMAKE[@]}" "$target" >"$LOGS/kernel-$variant.log" 2>&1 &
pid=$!
n=0
while kill -0 $pid 2>/dev/null; do
	sleep 5
	n=$((n + 1))
	if [ $((n % 12)) = 0 ] && kill -0 $pid 2>/dev/null; then
		info "kernel[$variant]: still building, $(grep -c '^  CC' "$LOGS/kernel-$variant.log" || true) objects compiled"
	fi
done
if ! wait $pid; then
	grep -E 'error|Error' "$LOGS/kernel-$variant.log" | head -n 20 >&2
	die "kernel[$variant] build failed (log: build/logs/kernel-$variant.log)"
fi
# kbuild's syncconfig may have changed .config if Kconfig changed.
verify_config
info "kernel[$variant]: built in $(($(date +%s) - t0)) s, $(grep -c '^  CC' "$LOGS/kernel-$variant.log" || true) objects compiled"

if [ ! -f "$obj/usr/include/linux/dma-mapping.h" ] ||
   [ "$image" -nt "$obj/usr/.headers-stamp" ]; then
	run_logged "$LOGS/headers-$variant.log" "${KMAKE[@]}" headers_install
	touch "$obj/usr/.headers-stamp"
fi
echo "kernel: $image"
