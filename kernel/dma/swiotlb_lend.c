// SPDX-License-Identifier: GPL-2.0
/*
 * swiotlb lending: the default swiotlb pool is over-allocated at boot and
 * its reserve part is lent to the page allocator as MIGRATE_SWIOTLB
 * pageblocks, which only movable allocations may use.
 *
 * Layout: every area of the pool is its base share followed by its share
 * of the reserve in whole, aligned pageblocks.  The slot allocator only
 * searches the part of each area that swiotlb owns (swiotlb.c keeps that
 * window per area), and swiotlb_pool_owns() tells a bounce buffer from a
 * lent page with one bit per block.
 *
 * See Documentation/core-api/swiotlb-lend.rst.
 */

#define pr_fmt(fmt) "swiotlb_lend: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cc_platform.h>
#include <linux/crash_dump.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kmemleak.h>
#include <linux/log2.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/swiotlb.h>
#include <linux/swiotlb_lend.h>

#include "swiotlb_lend.h"

struct swiotlb_lender swiotlb_lender;

static enum swiotlb_lend_param lend_param = SWIOTLB_LEND_PARAM_DEFAULT;
static u64 lend_reserve;
static char lend_param_str[32] __initdata;

/**
 * swiotlb_lend_parse() - parse the value of swiotlb_lend=
 * @str:	"off", or a decimal size with an optional K, M, G, T, P or E
 *		suffix.
 * @param:	What the value asks for, set on success.
 * @bytes:	The size in bytes, set when @param is %SWIOTLB_LEND_PARAM_SIZE.
 *
 * Only the syntax is checked here; alignment and bounds depend on the
 * machine and are applied by swiotlb_lend_compute_layout().  Unlike
 * memparse(), a size that does not fit in 64 bits is refused rather than
 * wrapped (17179869185G would otherwise become 1 GiB).
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL if @str is empty, malformed or zero,
 * -ERANGE if the size does not fit in 64 bits.
 */
int swiotlb_lend_parse(const char *str, enum swiotlb_lend_param *param,
		       u64 *bytes)
{
	static const char suffixes[] = "KMGTPE";
	unsigned int shift = 0;
	char digits[24];
	const char *s;
	size_t n;
	u64 size;

	if (!str || !*str)
		return -EINVAL;
	if (!strcmp(str, "off")) {
		*param = SWIOTLB_LEND_PARAM_OFF;
		return 0;
	}
	n = strspn(str, "0123456789");
	if (!n)
		return -EINVAL;
	if (n >= sizeof(digits))
		return -ERANGE;
	memcpy(digits, str, n);
	digits[n] = '\0';
	if (str[n]) {
		s = strchr(suffixes, toupper(str[n]));
		if (!s || str[n + 1])
			return -EINVAL;
		shift = 10 * (s - suffixes + 1);
	}
	if (kstrtou64(digits, 10, &size))
		return -ERANGE;
	if (!size)
		return -EINVAL;
	if (size > U64_MAX >> shift)
		return -ERANGE;
	*param = SWIOTLB_LEND_PARAM_SIZE;
	*bytes = size << shift;
	return 0;
}

static int __init setup_swiotlb_lend(char *str)
{
	strscpy(lend_param_str, str ?: "", sizeof(lend_param_str));
	if (swiotlb_lend_parse(str, &lend_param, &lend_reserve)) {
		pr_err("invalid swiotlb_lend=%s (want a size such as 64M, or off): not lending\n",
		       lend_param_str);
		lend_param = SWIOTLB_LEND_PARAM_OFF;
	}
	return 0;
}
early_param("swiotlb_lend", setup_swiotlb_lend);

/**
 * swiotlb_lend_compute_layout() - shape a default pool that lends a reserve
 * @base_nslabs:	Slots of the pool that swiotlb= (or the architecture)
 *			asks for; never lent.
 * @nareas:		Areas the pool would have without lending (a power of 2).
 * @param:		%SWIOTLB_LEND_PARAM_DEFAULT (reserve = base, at least
 *			one block) or %SWIOTLB_LEND_PARAM_SIZE.
 * @reserve:		Reserve in bytes for %SWIOTLB_LEND_PARAM_SIZE.
 * @ram_bytes:		Memory of the machine; the reserve is at most a quarter.
 * @block_shift:	log2 of the pageblock size in bytes.
 * @layout:		Filled in on success.
 *
 * The reserve is rounded up to whole pageblocks and spread evenly over the
 * areas (fewer areas if there are fewer blocks than areas, rounding down
 * to the same number of blocks in each area).  With several areas, each
 * area's base share is rounded up to whole pageblocks so that the
 * lendable blocks are aligned; the base never grows by more than an
 * eighth for it: the areas are halved until it does not.  One area rounds
 * nothing: the pool is placed so that its reserve is aligned
 * (@layout->head_nslabs).  A pool smaller than a pageblock (arm64 sizes it
 * for kmalloc() bouncing at 1 MiB per GiB, and a pageblock is 32 MiB with
 * 16 KiB pages) lends one pageblock by default, if that is at most 1/64
 * of memory.  @layout says which of these changed what was asked for.
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL for %SWIOTLB_LEND_PARAM_OFF or a base
 * that is zero or not whole segments, -ENOSPC if not even one pageblock
 * may be lent, -E2BIG if the
 * default reserve would be a pageblock larger than 1/64 of memory (64 KiB
 * pages have 512 MiB pageblocks): only an explicit size lends one then.
 */
int swiotlb_lend_compute_layout(unsigned long base_nslabs, unsigned int nareas,
				enum swiotlb_lend_param param, u64 reserve,
				u64 ram_bytes, unsigned int block_shift,
				struct swiotlb_lend_layout *layout)
{
	unsigned long block_nslabs = 1UL << (block_shift - IO_TLB_SHIFT);
	u64 block_bytes = 1ULL << block_shift;
	unsigned long blocks, area_blocks, area_base = base_nslabs;
	unsigned int asked;
	u64 want, max_blocks;

	memset(layout, 0, sizeof(*layout));
	/* swiotlb sizes pools in whole segments, so the head is one too. */
	if (param == SWIOTLB_LEND_PARAM_OFF || !base_nslabs ||
	    base_nslabs % IO_TLB_SEGSIZE)
		return -EINVAL;
	if (param == SWIOTLB_LEND_PARAM_DEFAULT) {
		reserve = (u64)base_nslabs << IO_TLB_SHIFT;
		if (reserve < block_bytes) {
			if (block_bytes > ram_bytes / 64)
				return -E2BIG;
			reserve = block_bytes;
		}
	}

	/*
	 * In 64 bits, and not with DIV_ROUND_UP_ULL(), which wraps for a
	 * reserve near U64_MAX; clamped before it goes in a long.
	 */
	want = reserve >> block_shift;
	layout->reserve_rounded = reserve & (block_bytes - 1);
	if (layout->reserve_rounded)
		want++;
	max_blocks = (ram_bytes / 4) >> block_shift;
	/*
	 * The whole allocation (head, base, reserve) is sized in a size_t:
	 * on 32-bit kernels with more than 4 GiB (PAE) a quarter of memory
	 * does not fit.
	 */
	max_blocks = min_t(u64, max_blocks, (SIZE_MAX >> block_shift) -
			   (((u64)base_nslabs << IO_TLB_SHIFT) >> block_shift) - 2);
	if (want > max_blocks) {
		want = max_blocks;
		layout->reserve_clamped = true;
	}
	blocks = want;
	if (!blocks)
		return -ENOSPC;

	if (!nareas)
		nareas = 1;
	asked = nareas;
	if (nareas > blocks)
		nareas = rounddown_pow_of_two(blocks);
	for (; nareas > 1; nareas >>= 1) {
		area_base = round_up(DIV_ROUND_UP(base_nslabs, nareas),
				     block_nslabs);
		if (area_base * nareas - base_nslabs <= base_nslabs / 8)
			break;
	}
	if (nareas == 1) {
		area_base = base_nslabs;
		layout->head_nslabs = round_up(base_nslabs, block_nslabs) -
				      base_nslabs;
	}
	layout->areas_cut = nareas < asked;
	area_blocks = blocks / nareas;
	if (area_blocks * nareas != blocks)
		layout->reserve_rounded = true;
	layout->base_rounded = area_base * nareas != base_nslabs;

	layout->nareas = nareas;
	layout->block_nslabs = block_nslabs;
	layout->block_shift = block_shift;
	layout->area_lend_nslabs = area_blocks * block_nslabs;
	layout->area_nslabs = area_base + layout->area_lend_nslabs;
	layout->base_nslabs = area_base * nareas;
	layout->nslabs = layout->area_nslabs * nareas;
	return 0;
}

/**
 * swiotlb_lend_decide() - whether and how the default pool lends
 * @req:	What the command line and the machine ask for and allow.
 * @layout:	Filled in when the pool lends.
 *
 * Every reason to refuse lending, in the order they are checked, so that
 * the decision can be tested without booting each kind of machine.
 *
 * Context: Any context.
 * Return: %SWIOTLB_LEND_YES, or why the pool does not lend.
 */
enum swiotlb_lend_verdict
swiotlb_lend_decide(const struct swiotlb_lend_request *req,
		    struct swiotlb_lend_layout *layout)
{
	int ret;

	if (req->param == SWIOTLB_LEND_PARAM_OFF)
		return SWIOTLB_LEND_NO_OFF;
	if (req->remap)
		return SWIOTLB_LEND_NO_REMAP;
	/*
	 * The pool is shared (decrypted) memory when memory encryption is
	 * active: lent pages would expose private data to the host.
	 */
	if (req->mem_encrypt)
		return SWIOTLB_LEND_NO_ENCRYPTED;
	/*
	 * A crash kernel runs in the small crashkernel= region, often with
	 * its low part just large enough for the pool: doubling the pool
	 * there may fail the boot that saves the dump.  Only an explicit
	 * swiotlb_lend=<size> lends in one.
	 */
	if (req->kdump && req->param == SWIOTLB_LEND_PARAM_DEFAULT)
		return SWIOTLB_LEND_NO_KDUMP;
	ret = swiotlb_lend_compute_layout(req->base_nslabs, req->nareas,
					  req->param, req->reserve,
					  req->ram_bytes, req->block_shift,
					  layout);
	if (ret == -E2BIG)
		return SWIOTLB_LEND_NO_SMALL_POOL;
	if (ret)
		return SWIOTLB_LEND_NO_BLOCK;
	return SWIOTLB_LEND_YES;
}

#define MIB(nslabs)	((unsigned long)(((u64)(nslabs) << IO_TLB_SHIFT) >> 20))

/**
 * swiotlb_lend_plan() - decide whether and how the default pool lends
 * @base_nslabs:	Size of the pool without lending, in slots.
 * @nareas:		Areas of the pool without lending.
 * @remap:		The architecture remaps the pool (e.g. Xen).
 * @layout:		Filled in when the pool lends.
 *
 * Bad or oversized swiotlb_lend= values are reported here, once, with the
 * setting used instead.
 *
 * Context: Early boot (swiotlb_init_remap()).
 * Return: %true if the pool should be allocated as @layout describes.
 */
bool __init swiotlb_lend_plan(unsigned long base_nslabs, unsigned int nareas,
			      bool remap, struct swiotlb_lend_layout *layout)
{
	struct swiotlb_lend_request req = {
		.param = lend_param,
		.reserve = lend_reserve,
		.base_nslabs = base_nslabs,
		.nareas = nareas,
		.remap = remap,
		.mem_encrypt = cc_platform_has(CC_ATTR_MEM_ENCRYPT),
		.kdump = is_kdump_kernel(),
		.ram_bytes = memblock_phys_mem_size(),
		.block_shift = pageblock_order + PAGE_SHIFT,
	};

	switch (swiotlb_lend_decide(&req, layout)) {
	case SWIOTLB_LEND_NO_OFF:
		pr_info("off: fixed pool\n");
		return false;
	case SWIOTLB_LEND_NO_REMAP:
		pr_info("not lending: the architecture remaps the pool\n");
		return false;
	case SWIOTLB_LEND_NO_ENCRYPTED:
		pr_info("not lending: memory encryption is active and the pool is shared with the host\n");
		return false;
	case SWIOTLB_LEND_NO_KDUMP:
		pr_info("not lending in a crash kernel; swiotlb_lend=<size> lends anyway\n");
		return false;
	case SWIOTLB_LEND_NO_SMALL_POOL:
		pr_warn("not lending: the pool (%lu KiB) is smaller than a pageblock (%lu KiB), and a pageblock is more than 1/64 of memory; swiotlb_lend=<size> lends one anyway\n",
			(base_nslabs << IO_TLB_SHIFT) >> 10,
			1UL << (req.block_shift - 10));
		return false;
	case SWIOTLB_LEND_NO_BLOCK:
		pr_err("not lending: a pageblock (%lu KiB) is more than a quarter of memory\n",
		       1UL << (req.block_shift - 10));
		return false;
	case SWIOTLB_LEND_YES:
		break;
	}
	if (layout->reserve_clamped)
		pr_err("swiotlb_lend=%s is more than a quarter of memory: reserve clamped to %lu MiB\n",
		       lend_param_str, MIB(layout->nslabs - layout->base_nslabs));
	else if (layout->reserve_rounded && lend_param == SWIOTLB_LEND_PARAM_SIZE)
		pr_err("swiotlb_lend=%s is not a whole number of %lu KiB pageblocks per area: reserve rounded to %lu MiB\n",
		       lend_param_str, 1UL << (req.block_shift - 10),
		       MIB(layout->nslabs - layout->base_nslabs));
	if (layout->base_rounded)
		pr_info("base pool rounded up from %lu to %lu slots (whole pageblocks in each of %u areas)\n",
			base_nslabs, layout->base_nslabs, layout->nareas);
	if (layout->areas_cut)
		pr_warn("%u areas instead of %u: each area lends whole %lu KiB pageblocks, and its base may grow by an eighth at most; swiotlb_lend=off keeps them\n",
			layout->nareas, nareas, 1UL << (req.block_shift - 10));
	return true;
}

/**
 * swiotlb_lend_set_owner() - record who owns a block of a lending pool
 * @pool:	Memory pool.
 * @block:	Block index in the pool.
 * @lent:	%true: the page allocator owns it; %false: swiotlb does.
 *
 * Context: Any context.  The caller serializes changes to one block.
 */
void swiotlb_lend_set_owner(struct io_tlb_pool *pool, unsigned long block,
			    bool lent)
{
	if (lent)
		set_bit(block, pool->lent_blocks);
	else
		clear_bit(block, pool->lent_blocks);
	/*
	 * Publish the owner before the block's memory changes hands (pages
	 * freed to the buddy allocator, or slots made free under the area
	 * lock).  Pairs with smp_rmb() in swiotlb_pool_owns().
	 */
	smp_mb__after_atomic();
}

/**
 * swiotlb_lend_keep_block() - give a reserve block to swiotlb for good
 * @pool:	The lending pool.
 * @layout:	Its layout.
 * @kept:	Blocks swiotlb keeps for good; @block is added.
 * @block:	A lent block that must not be lent (it spans two zones, so
 *		the page allocator cannot take it).
 *
 * The block's slots go straight to the slot allocator, as if it had been
 * taken back: neither lent nor stranded out of service.
 *
 * Context: Any context.  The caller serializes changes of ownership.
 * Return: 0, -EINVAL if @block is not lent, or the error of
 * swiotlb_area_give_slots() (the block stays lent then).
 */
int swiotlb_lend_keep_block(struct io_tlb_pool *pool,
			    const struct swiotlb_lend_layout *layout,
			    unsigned long *kept, unsigned long block)
{
	int ret;

	if (!test_bit(block, pool->lent_blocks))
		return -EINVAL;
	/* Owner first, as when a block is taken back. */
	swiotlb_lend_set_owner(pool, block, false);
	ret = swiotlb_area_give_slots(pool, swiotlb_lend_block_area(layout, block),
				      swiotlb_lend_block_slot(layout, block),
				      layout->block_nslabs);
	if (ret) {
		swiotlb_lend_set_owner(pool, block, true);
		return ret;
	}
	set_bit(block, kept);
	return 0;
}

/**
 * swiotlb_lend_block_verdict() - may a reserve block be lent at activation?
 * @decrypted:	The pool was decrypted: its memory is shared with the host.
 * @first:	Zone of the block's first page.
 * @last:	Zone of its last page.
 *
 * A decrypted pool lends nothing: a lent page may hold any private data.
 * This is known only once the architecture has decrypted the pool
 * (swiotlb_update_mem_attributes()), after the pool was sized; the early
 * cc_platform_has() check of swiotlb_lend_decide() merely avoids sizing a
 * reserve that would never be lent where it is set.  A block spanning two
 * zones cannot be taken by the page allocator.
 *
 * Context: Any context.
 * Return: %SWIOTLB_LEND_BLOCK_LEND, or why swiotlb keeps the block.
 */
enum swiotlb_lend_block_verdict
swiotlb_lend_block_verdict(bool decrypted, const struct zone *first,
			   const struct zone *last)
{
	if (decrypted)
		return SWIOTLB_LEND_BLOCK_KEEP_DECRYPTED;
	if (first != last)
		return SWIOTLB_LEND_BLOCK_KEEP_ZONES;
	return SWIOTLB_LEND_BLOCK_LEND;
}

/**
 * swiotlb_lend_note_decrypted() - the architecture decrypted a pool
 * @pool:	The pool now shared with the host.
 *
 * Context: Early boot, before lending begins.
 */
void swiotlb_lend_note_decrypted(struct io_tlb_pool *pool)
{
	if (pool != swiotlb_lender.pool)
		return;
	/* Too late to take it back: say so loudly. */
	WARN(swiotlb_lender.active,
	     "swiotlb_lend: the pool was decrypted after lending began\n");
	swiotlb_lender.decrypted = true;
}

/**
 * swiotlb_lend_disable() - stop lending, with a reason in the log
 * @why:	What went wrong.
 *
 * Context: Early boot.
 */
void __init swiotlb_lend_disable(const char *why)
{
	pr_err("not lending: %s; the pool is a fixed pool\n", why);
	lend_param = SWIOTLB_LEND_PARAM_OFF;
}

/**
 * swiotlb_lend_init_pool() - take the reserve of a new pool out of service
 * @pool:	The default pool, just initialized with @layout's size.
 * @layout:	Its layout from swiotlb_lend_plan().
 *
 * The reserve slots are never handed out from here on; the pages behind
 * them go to the page allocator once it is up (swiotlb_lend_activate()).
 * If the bitmap cannot be allocated the pool stays whole and owned.
 *
 * Context: Early boot, before any DMA mapping.
 */
void __init swiotlb_lend_init_pool(struct io_tlb_pool *pool,
				   const struct swiotlb_lend_layout *layout)
{
	unsigned long nblocks = (layout->head_nslabs + layout->nslabs) /
				layout->block_nslabs;
	unsigned long area_blocks = layout->area_lend_nslabs / layout->block_nslabs;
	unsigned int base = layout->area_nslabs - layout->area_lend_nslabs;
	unsigned long area_first, b;
	unsigned int a;

	pool->lent_blocks = memblock_alloc(BITS_TO_LONGS(nblocks) * sizeof(long),
					   SMP_CACHE_BYTES);
	if (!pool->lent_blocks) {
		swiotlb_lend_disable("no memory for the ownership bitmap");
		return;
	}

	swiotlb_lender.kept = memblock_alloc(BITS_TO_LONGS(nblocks) * sizeof(long),
					     SMP_CACHE_BYTES);
	if (!swiotlb_lender.kept) {
		memblock_free(pool->lent_blocks,
			      BITS_TO_LONGS(nblocks) * sizeof(long));
		pool->lent_blocks = NULL;
		swiotlb_lend_disable("no memory for the ownership bitmap");
		return;
	}
	pool->lend_shift = layout->block_shift;
	pool->lend_origin = pool->start -
			    ((phys_addr_t)layout->head_nslabs << IO_TLB_SHIFT);

	for (a = 0; a < layout->nareas; a++) {
		/* The whole reserve of the area: the window ends at its base. */
		if (WARN_ON(swiotlb_area_take_slots(pool, a, base,
						    layout->area_lend_nslabs,
						    base)))
			continue;
		area_first = swiotlb_lend_slot_block(layout,
						     a * layout->area_nslabs + base);
		for (b = area_first; b < area_first + area_blocks; b++)
			swiotlb_lend_set_owner(pool, b, true);
	}
	swiotlb_lender.pool = pool;
	swiotlb_lender.layout = *layout;
	swiotlb_lender.lendable = bitmap_weight(pool->lent_blocks, nblocks);
}

/**
 * swiotlb_lend_exit() - the default pool is torn down before it lends
 * @pool:	The pool swiotlb_exit() is about to free.
 *
 * An IOMMU found late in boot may turn swiotlb off (x86's
 * pci_iommu_init() at rootfs_initcall, powerpc at subsys_initcall).
 * Lending starts later, at late_initcall_sync, so the reserve is still
 * swiotlb's memory here and goes back to memblock with the rest of the
 * pool.  Should lending have started anyway, freeing the pool would hand
 * the page allocator pages it already owns: the pool is kept instead.
 *
 * Context: Early boot (swiotlb_exit()).
 * Return: %true if the pool may be freed.
 */
bool __init swiotlb_lend_exit(struct io_tlb_pool *pool)
{
	if (!pool->lent_blocks)
		return true;
	if (WARN(swiotlb_lender.active,
		 "swiotlb_lend: swiotlb_exit() after lending began: the pool is kept\n"))
		return false;
	memblock_free_late(__pa(pool->lent_blocks),
			   BITS_TO_LONGS(swiotlb_lend_nblocks()) * sizeof(long));
	memblock_free_late(__pa(swiotlb_lender.kept),
			   BITS_TO_LONGS(swiotlb_lend_nblocks()) * sizeof(long));
	pool->lent_blocks = NULL;
	swiotlb_lender.kept = NULL;
	swiotlb_lender.pool = NULL;
	swiotlb_lender.lendable = 0;
	pr_info("swiotlb torn down before lending began: nothing lent\n");
	return true;
}

/*
 * After every initcall that may call swiotlb_exit() (the last is x86's
 * rootfs_initcall pci_iommu_init()), and before user space.
 */
static int __init swiotlb_lend_activate(void)
{
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	enum swiotlb_lend_block_verdict verdict;
	unsigned long b, pfn, lent = 0;
	struct zone *first, *last;

	if (!pool)
		return 0;
	swiotlb_lender.active = true;

	if (swiotlb_lender.decrypted)
		pr_warn("not lending: the pool was decrypted (shared with the host); its %lu MiB reserve stays shared as bounce buffers (swiotlb_lend=off saves it)\n",
			MIB(l->nslabs - l->base_nslabs));
	for_each_set_bit(b, pool->lent_blocks, swiotlb_lend_nblocks()) {
		pfn = swiotlb_lend_block_pfn(b);
		first = page_zone(pfn_to_page(pfn));
		last = page_zone(pfn_to_page(pfn + swiotlb_lend_block_pages() - 1));
		verdict = swiotlb_lend_block_verdict(swiotlb_lender.decrypted,
						     first, last);
		if (verdict != SWIOTLB_LEND_BLOCK_LEND) {
			/* Not lendable: swiotlb keeps it as part of the base. */
			if (!swiotlb_lend_keep_block(pool, l, swiotlb_lender.kept, b))
				swiotlb_lender.lendable--;
			if (verdict == SWIOTLB_LEND_BLOCK_KEEP_ZONES)
				pr_warn("block at pfn %#lx spans two zones: kept as bounce buffers\n",
					pfn);
			continue;
		}
		/* memblock_alloc() registered the pool with kmemleak. */
		kmemleak_free_part_phys(PFN_PHYS(pfn),
					swiotlb_lend_block_pages() << PAGE_SHIFT);
		init_swiotlb_reserved_pageblock(pfn_to_page(pfn));
		lent++;
	}
	/*
	 * Only now may the worker take blocks back (kicks need a lent
	 * block): none of it runs on a block still being lent or kept.
	 */
	atomic_long_set(&swiotlb_lender.lent, lent);
	pr_info("pool %lu MiB = base %lu MiB + lendable reserve %lu MiB (%lu blocks of %lu KiB, %u areas); lent %lu MiB\n",
		MIB(l->nslabs), MIB(l->base_nslabs),
		MIB(l->nslabs - l->base_nslabs), swiotlb_lender.lendable,
		1UL << (l->block_shift - 10), l->nareas,
		MIB(atomic_long_read(&swiotlb_lender.lent) * l->block_nslabs));
	return 0;
}
late_initcall_sync(swiotlb_lend_activate);

/**
 * swiotlb_lend_first_lent_block() - where the first lent block is
 * @nr_pages:	Set to the number of pages in a block.
 *
 * Context: Any context; the block may change hands right after.
 * Return: The first page frame of the lowest lent block, or 0 if none.
 */
unsigned long swiotlb_lend_first_lent_block(unsigned long *nr_pages)
{
	unsigned long b;

	if (!swiotlb_lender.pool)
		return 0;
	b = find_first_bit(swiotlb_lender.pool->lent_blocks, swiotlb_lend_nblocks());
	if (b >= swiotlb_lend_nblocks())
		return 0;
	*nr_pages = swiotlb_lend_block_pages();
	return swiotlb_lend_block_pfn(b);
}

static unsigned long lent_nslabs(void)
{
	return atomic_long_read(&swiotlb_lender.lent) * swiotlb_lender.layout.block_nslabs;
}

/**
 * swiotlb_lend_lent_nslabs() - slots of a pool lent to the page allocator
 * @pool:	A swiotlb pool.
 *
 * Context: Any context; the value may change right after it is read.
 * Return: The slots of @pool's lent blocks, 0 for a pool that does not
 * lend.
 */
unsigned long swiotlb_lend_lent_nslabs(const struct io_tlb_pool *pool)
{
	return pool == swiotlb_lender.pool ? lent_nslabs() : 0;
}

/**
 * swiotlb_lend_report_meminfo() - SwiotlbLendTotal and SwiotlbLent lines
 * @m:	/proc/meminfo.
 *
 * Context: Process context.
 */
void swiotlb_lend_report_meminfo(struct seq_file *m)
{
	unsigned long total = 0, lent = 0;

	if (swiotlb_lender.pool) {
		total = (swiotlb_lender.lendable * swiotlb_lender.layout.block_nslabs) <<
			(IO_TLB_SHIFT - 10);
		lent = lent_nslabs() << (IO_TLB_SHIFT - 10);
	}
	seq_printf(m, "SwiotlbLendTotal: %8lu kB\n", total);
	seq_printf(m, "SwiotlbLent:      %8lu kB\n", lent);
}

#ifdef CONFIG_DEBUG_FS

static int io_tlb_lent_nslabs_get(void *data, u64 *val)
{
	*val = lent_nslabs();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_io_tlb_lent_nslabs, io_tlb_lent_nslabs_get,
			 NULL, "%llu\n");

/* One line per lendable block: index, first pfn, owner. */
static int lend_blocks_show(struct seq_file *m, void *v)
{
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	unsigned long first, b;
	unsigned int a;

	if (!pool)
		return 0;
	/* Lendable blocks are the top of each area. */
	for (a = 0; a < l->nareas; a++) {
		first = swiotlb_lend_slot_block(l, (a + 1) * l->area_nslabs -
						   l->area_lend_nslabs);
		for (b = first; b < first + l->area_lend_nslabs / l->block_nslabs; b++)
			seq_printf(m, "%lu %#lx %s\n", b, swiotlb_lend_block_pfn(b),
				   test_bit(b, pool->lent_blocks) ? "lent" :
				   test_bit(b, swiotlb_lender.kept) ? "kept" : "owned");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lend_blocks);

/**
 * swiotlb_lend_create_debugfs() - lending files in the swiotlb debugfs dir
 * @dir:	/sys/kernel/debug/swiotlb.
 *
 * Context: Process context.
 */
void swiotlb_lend_create_debugfs(struct dentry *dir)
{
	debugfs_create_file("io_tlb_lent_nslabs", 0400, dir, NULL,
			    &fops_io_tlb_lent_nslabs);
	debugfs_create_file("lend_blocks", 0400, dir, NULL, &lend_blocks_fops);
}

#endif /* CONFIG_DEBUG_FS */
