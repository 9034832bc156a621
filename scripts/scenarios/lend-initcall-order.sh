# x86 calls swiotlb_exit() from pci_iommu_init() (rootfs_initcall) when
# an IOMMU turns swiotlb off; powerpc does so at subsys_initcall.  Lending
# must begin after the last of them: swiotlb_exit() frees the whole pool,
# and lent pages already belong to the page allocator.  initcall_debug
# logs "calling  <fn>+0x.../0x... @ 1" in the order the initcalls run.
name=activation-after-swiotlb-exit-callers
log=$(dmesg)
line_of() {
	echo "$log" | grep -n "calling  $1+" | head -n 1 | cut -d: -f1
}
exit_at=$(line_of pci_iommu_init)
lend_at=$(line_of swiotlb_lend_activate)
echo "initcall order: pci_iommu_init at line ${exit_at:-none}, swiotlb_lend_activate at line ${lend_at:-none}"
if [ -z "$exit_at" ] || [ -z "$lend_at" ]; then
	tap_fail $name "initcall_debug did not log both initcalls"
elif [ "$lend_at" -le "$exit_at" ]; then
	tap_fail $name "lending began before pci_iommu_init() could call swiotlb_exit()"
elif ! [ "$(meminfo_kb SwiotlbLent)" -gt 0 ] 2>/dev/null; then
	tap_fail $name "nothing lent after boot"
else
	tap_ok $name
fi
