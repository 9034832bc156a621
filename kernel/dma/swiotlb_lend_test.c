// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for swiotlb lending, driven through debugfs by the
 * kselftests in tools/testing/selftests/swiotlb_lend.
 *
 * /sys/kernel/debug/swiotlb_lend_test/alloc_probe: write "movable",
 * "unmovable" or "pin"; the probe allocates single pages of that kind
 * until the allocator refuses (__GFP_NORETRY: no OOM killer), counts
 * those that came from lent swiotlb blocks, frees them all, and the
 * result can be read back:
 *	mode=<kind> pages=<allocated> lent=<from lent blocks>
 * "pin" is a movable allocation under memalloc_pin_save(), as GUP makes
 * for pages it is about to pin long-term.  A page counts as lent when it
 * lies inside the default pool and its pageblock is MIGRATE_SWIOTLB:
 * swiotlb never gives its own pages to the page allocator, so such a page
 * can only come from a lent block, whatever the ownership bitmap says.
 * The result also counts pages inside the pool in any other pageblock
 * (foreign=) and lent pages whose block the bitmap says swiotlb owns
 * (owned=); both must be 0.  Last come the lent pages still free when
 * the allocator refused, per-cpu lists drained (left=): a movable probe
 * must have taken them all:
 *	mode=<kind> pages=<n> lent=<n> foreign=<n> owned=<n> left=<n>
 *
 * Writing "lookup" allocates movable pages the same way and asks, for
 * every lent page among them, what the DMA layer asks of an address it
 * unmaps or syncs: swiotlb_find_pool() and dma_direct_need_sync() must
 * both say "not a bounce buffer".  A bounce buffer mapped for the test
 * device first is the control, which both must recognize (and which makes
 * the device a swiotlb user, as CONFIG_SWIOTLB_DYNAMIC's lookup wants):
 *	lookup lent=<n> foreign=<n> owned=<n> find_pool=<n> need_sync=<n>
 *	control=<0|1>
 * dma_direct_need_sync() is asked only of a coherent device: for any
 * other it is always true.
 *
 * Writing "report" prints what the kernel's own reports make of lent
 * pages: dump_page() of the first page of the first lent block and of a
 * page that is not lent, then show_mem() as an OOM kill prints it; the
 * result names the lent page:
 *	report pfn=<first pfn, 0 if nothing is lent>
 *
 * Writing "contig" instead takes the first lent block with
 * alloc_contig_range() as a stranger would (MIGRATE_MOVABLE), which must
 * fail, then as its owner (MIGRATE_SWIOTLB), which must succeed by
 * migrating the pages in it, and frees it again, still lent:
 *	contig pfn=<first pfn> movable=<errno> swiotlb=<errno>
 *
 * Writing "thp" frees a lent block whole, as a borrowed THP is freed: the
 * first lent block is taken as its owner would (alloc_contig_range(),
 * MIGRATE_SWIOTLB), made one page of pageblock order and freed as such.
 * Its pages must be on the buddy lists at once, where a mapping that
 * finds no slot takes a free lent block back, and never pass through
 * this CPU's per-cpu list: to_buddy= counts the free lent pages the free
 * added to the buddy lists, pcp_freed= the pages it freed to the per-cpu
 * list (counted even when the list, full, is flushed at once):
 *	thp pfn=<first pfn> pages=<block pages> err=<errno> to_buddy=<pages>
 *	pcp_freed=<pages>
 * err is -EOPNOTSUPP where a free of pageblock order never goes to a
 * per-cpu list (nothing to test) or with allocation profiling (each of
 * the block's pages has a tag of its own), -EBUSY if a page of the block
 * was held by someone else.
 *
 * Writing "drain" empties every CPU's free page lists into the buddy
 * lists (drain_all_pages()), so that nr_free_swiotlb counts every free
 * lent page before a test fills them:
 *	drain nr_free_swiotlb=<pages>
 *
 * /sys/kernel/debug/swiotlb_lend_test/burst maps bounce buffers through
 * swiotlb for a device of its own, whatever swiotlb= says:
 *	map <count> <size> <to|from|bidi> <atomic|sleep> [warn] [nvme]
 *		maps <count> buffers of <size> bytes (up to 512 KiB; above
 *		256 KiB, a segment, every mapping must fail) and
 *		holds them; "atomic" maps with interrupts off and fails at
 *		once when no slots are free, "sleep" maps with
 *		DMA_ATTR_MAY_SLEEP and may wait for lent slots to come back.
 *		Failures are silent (DMA_ATTR_NO_WARN) unless "warn" asks
 *		for swiotlb's "buffer is full" warning.  "nvme" maps from
 *		2.5 KiB into a page with the device's min_align_mask set to
 *		a page, as NVMe sets it, until the burst is released.
 *		Each buffer gets its own pattern: copied in by the mapping
 *		(to, bidi), or written by the "device" (from, bidi).
 *	release [<keep>]
 *		checks every held buffer still holds its pattern, unmaps it
 *		and, for from and bidi, checks the pattern came back; with
 *		<keep>, every <keep>-th buffer stays held, so that slots stay
 *		mapped all over the pool.
 *	burst <count> <size> <dir> <mode>
 *		map, then release.
 * Reading it gives the result of the last command:
 *	held=<n> mapped=<n> failed=<n> verify_errors=<n> waits=<n>
 *	max_map_us=<n> total_map_us=<n> unowned=<n> min_fail_us=<n>
 *	bridged=<n> misaligned=<n>
 * where waits counts the mappings that had to wait for slots, unowned the
 * held buffers that swiotlb_find_pool() does not know or whose page is
 * free (their block was lent while they were mapped; must be 0),
 * min_fail_us is the shortest failed mapping (0 if none failed),
 * bridged the mappings outside the default pool (transient pools), and
 * misaligned the mappings whose bounce buffer does not keep the bits of
 * min_align_mask of the original (must be 0).
 *
 * /sys/kernel/debug/swiotlb_lend_test/sg: write
 * "<nents> <size> <release_ms>" to map one scatterlist of <nents> entries
 * of <size> bytes with dma_map_sg() and DMA_ATTR_MAY_SLEEP (bounced only
 * with swiotlb=force), and unmap it; with <release_ms>, the last buffer
 * the burst interface holds is unmapped that long after the call began.
 * Reading it gives "ents=<n> us=<n> scoped=<0|1>": the entries mapped (0
 * when the call failed), how long the call took, and whether the task
 * still pointed at the call's deadline after it (must be 0).
 *
 * /sys/kernel/debug/swiotlb_lend_test/kmalloc: write "<count> <size>" to
 * map <count> kmalloc() buffers of <size> bytes (at most 256) for the test
 * device with dma_map_single(DMA_BIDIRECTIONAL), all held at once: on a
 * non-coherent device (arm64 platform devices without "dma-coherent"),
 * DMA_BOUNCE_UNALIGNED_KMALLOC bounces the small ones through swiotlb,
 * without swiotlb=force.  Each bounce buffer must hold the buffer's
 * pattern, the "device" writes its own, and unmapping must bring it back.
 * Reading gives:
 *	kmalloc count=<n> expected=<n> bounced=<n> failed=<n> unowned=<n>
 *	verify_errors=<n> coherent=<0|1> in_reserve=<n>
 * where expected counts the mappings dma_kmalloc_needs_bounce() says
 * must bounce, bounced those that did, unowned the bounce buffers that
 * swiotlb_find_pool() does not know: slots of a lent block (must be 0),
 * and in_reserve those in a reserve block that was taken back.
 *
 * /sys/kernel/debug/swiotlb_lend_test/hold_worker: write 1 to keep any
 * block from being taken back, 2 to hold the reclaim worker only (blocks
 * with no page in use still come back at map time), 3 to hold map-time
 * take-backs only (blocks come back through the worker alone), 0 to let
 * all go.
 *
 * /sys/kernel/debug/swiotlb_lend_test/lru_disabled: reading gives
 * lru_disable_count, the number of lru_cache_disable() holders: a run of
 * the reclaim worker that tries to migrate a block, whether it succeeds
 * or not, holds one until the run ends (two while alloc_contig_range()
 * runs nested in it), so it must be back to 0 once the worker is idle
 * and no other holder (a contiguous allocation, memory offlining, mbind()
 * or move_pages()) is running.
 *
 * /sys/kernel/debug/swiotlb_lend_test/direct: write "<loops>" to time the
 * path of a device that does not bounce (the burst device, unless
 * swiotlb=force): <loops> times dma_map_page(), dma_sync_single_for_cpu()
 * and dma_unmap_page() of one page, first of a page outside the pool,
 * then of a movable page borrowed from a lent block, so that the cost of
 * the ownership check inside the pool shows next to its cost outside.
 * Each mapping covers DIRECT_SIZE bytes at DIRECT_OFFSET in the page, with
 * the device's min_align_mask set to a page, as NVMe sets it: were a lent
 * page taken for a bounce buffer, unmapping it would free a slot (the
 * offset within a slot makes it one) and change io_tlb_used.
 * Reading gives the time per map+sync+unmap in picoseconds:
 *	loops=<n> outside_ps=<n> inside_ps=<n|none> bounced=<n> failed=<n>
 *	need_sync=<n>
 * where bounced counts mappings that were not direct and need_sync those
 * that dma_direct_need_sync() took for bounce buffers (both must be 0).
 */

#define pr_fmt(fmt) "swiotlb_lend_test: " fmt

#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swiotlb.h>
#include <linux/swiotlb_lend.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "direct.h"
#include "swiotlb_lend.h"
#include "swiotlb_lend_reclaim.h"

static DEFINE_MUTEX(probe_lock);
static char probe_result[128] = "none\n";

#define BURST_MAX_SIZE		(IO_TLB_SEGSIZE * IO_TLB_SIZE)
/* Larger than any bounce buffer: such a mapping must fail at once. */
#define BURST_OVERSIZE		(2 * BURST_MAX_SIZE)
#define BURST_MAX_COUNT		65536
/* A slot and a half into a page: an aligned run starts a slot early. */
#define BURST_NVME_OFFSET	0xa00

/**
 * struct burst - bounce buffers held by the burst interface
 * @lock:	Serializes commands.
 * @dev:	Device the buffers are mapped for.
 * @active:	A burst is mapped and not released yet.
 * @tlb:	Bounce buffer of each held mapping.
 * @seed:	Pattern seed of each held mapping: its place in the burst.
 * @orig:	Original buffer, shared by all mappings one after the other.
 * @count:	Mappings asked for.
 * @held:	Mappings held now (the first @held entries of @tlb).
 * @size:	Size of each mapping.
 * @dir:	Direction of the mappings.
 * @failed:	Mappings that failed.
 * @verify_errors: Buffers whose contents were wrong.
 * @waits:	Mappings that waited for slots.
 * @max_ns:	Longest mapping.
 * @total_ns:	Time spent mapping.
 * @unowned:	Held buffers that were no longer swiotlb's at release.
 * @min_fail_ns: Shortest failed mapping, U64_MAX if none failed.
 * @bridged:	Mappings outside the default pool.
 * @offset:	Where in @orig the mappings start ("nvme": the device's
 *		min_align_mask is a page meanwhile).
 * @misaligned:	Mappings that lost the bits of min_align_mask.
 *
 * The buffers are allocated once, at boot: a burst under memory pressure
 * must not fail for the driver's own allocations.
 */
struct burst {
	struct mutex lock;	/* one command at a time */
	struct device *dev;
	bool active;
	phys_addr_t *tlb;
	u32 *seed;
	void *orig;
	unsigned int count;
	unsigned int held;
	size_t size;
	enum dma_data_direction dir;
	unsigned int failed;
	unsigned int verify_errors;
	unsigned long waits;
	u64 max_ns;
	u64 total_ns;
	unsigned int unowned;
	u64 min_fail_ns;
	unsigned int bridged;
	unsigned int offset;
	unsigned int misaligned;
};

static struct burst burst = {
	.lock = __MUTEX_INITIALIZER(burst.lock),
};

/*
 * Is @page lent?  Judged from the pool's address range and the pageblock's
 * migratetype, not from lending's own bitmap: a page the page allocator
 * handed out from inside the pool can only come from a lent block.
 * *@foreign is set for a page inside the pool in any other pageblock.
 */
static bool page_in_lent_block(struct page *page, bool *foreign)
{
	struct io_tlb_pool *pool = &burst.dev->dma_io_tlb_mem->defpool;
	phys_addr_t paddr = page_to_phys(page);

	*foreign = false;
	if (paddr < pool->start || paddr >= pool->end)
		return false;
	if (is_migrate_swiotlb_page(page))
		return true;
	*foreign = true;
	return false;
}

/**
 * struct probe_count - what an allocate-until-refused run found
 * @pages:	Pages allocated.
 * @lent:	Of those, pages from lent blocks.
 * @foreign:	Pages inside the pool but not in a MIGRATE_SWIOTLB block.
 * @owned:	Lent pages whose block lending's bitmap says swiotlb owns.
 * @find_pool:	Lent pages that swiotlb_find_pool() took for bounce buffers.
 * @need_sync:	Lent pages that dma_direct_need_sync() took for bounce buffers.
 * @left:	Free lent pages when the allocator refused after a drain.
 */
struct probe_count {
	unsigned long pages;
	unsigned long lent;
	unsigned long foreign;
	unsigned long owned;
	unsigned long find_pool;
	unsigned long need_sync;
	unsigned long left;
};

/*
 * Drains a refused probe makes before it believes the refusal: enough
 * for pages that another CPU parked on its list meanwhile, and a bound.
 */
#define PROBE_DRAINS	2

/*
 * Free lent pages, exactly: the global counter lags the per-cpu diffs by
 * up to a stat threshold per CPU (15 pages "free" with all 8192 taken).
 */
static unsigned long free_lent_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		sum += zone_page_state_snapshot(zone, NR_FREE_SWIOTLB_PAGES);
	return sum;
}

/* Every zone, whether or not another drain is running. */
static void drain_zones(void)
{
	struct zone *zone;

	/* Zone by zone: drain_all_pages(NULL) skips it all when contended. */
	for_each_populated_zone(zone)
		drain_all_pages(zone);
}

/* What the DMA layer makes of a lent page when it unmaps or syncs it. */
static void lookup_lent_page(struct page *page, struct probe_count *c)
{
	phys_addr_t paddr = page_to_phys(page);

	if (swiotlb_find_pool(burst.dev, paddr))
		c->find_pool++;
	if (dev_is_dma_coherent(burst.dev) &&
	    dma_direct_need_sync(burst.dev, phys_to_dma(burst.dev, paddr)))
		c->need_sync++;
}

/*
 * Allocate single pages of @gfp until the allocator refuses (__GFP_NORETRY:
 * no OOM killer), also after the per-cpu lists are drained, or all of
 * memory is taken, counting those that came from
 * lent blocks (and, with @lookup, what the DMA layer makes of them), and
 * free them all again; with @keep_lent, stop at the first page from a
 * lent block and return it instead of freeing it.
 */
static struct page *alloc_until_refused(gfp_t gfp, bool keep_lent,
					bool lookup, struct probe_count *c)
{
	unsigned long max = totalram_pages();
	struct page *page, *tmp, *kept = NULL;
	unsigned int drains = 0;
	bool foreign;
	LIST_HEAD(list);

	memset(c, 0, sizeof(*c));
	while (c->pages < max) {
		page = alloc_page(gfp | __GFP_NORETRY | __GFP_NOWARN);
		if (!page) {
			/*
			 * The allocator drains the per-cpu lists once before
			 * it refuses, but not while another drain runs: free
			 * pages parked on another CPU's list (where this task
			 * ran before, or refilled by its allocations) are
			 * free memory that only that CPU allocates.
			 */
			if (drains++ < PROBE_DRAINS) {
				drain_zones();
				continue;
			}
			/* Lists drained just before: the buddy lists say it. */
			c->left = free_lent_pages();
			break;
		}
		c->pages++;
		if (page_in_lent_block(page, &foreign)) {
			c->lent++;
			/* A held page keeps its block from changing hands. */
			if (swiotlb_pool_owns(&burst.dev->dma_io_tlb_mem->defpool,
					      page_to_phys(page)))
				c->owned++;
			if (lookup)
				lookup_lent_page(page, c);
			if (keep_lent) {
				kept = page;
				break;
			}
		}
		c->foreign += foreign;
		list_add(&page->lru, &list);
		cond_resched();
	}
	list_for_each_entry_safe(page, tmp, &list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	return kept;
}

static void alloc_probe(const char *mode, gfp_t gfp, bool pin)
{
	unsigned int pin_flags = 0;
	struct probe_count c;

	if (pin)
		pin_flags = memalloc_pin_save();
	alloc_until_refused(gfp, false, false, &c);
	if (pin)
		memalloc_pin_restore(pin_flags);

	snprintf(probe_result, sizeof(probe_result),
		 "mode=%s pages=%lu lent=%lu foreign=%lu owned=%lu left=%lu\n",
		 mode, c.pages, c.lent, c.foreign, c.owned, c.left);
	pr_info("%s", probe_result);
}

/*
 * A bounce buffer of the test device: the DMA layer must know it.  Under
 * burst.lock, which also covers the device's min_align_mask.
 */
static bool lookup_control(void)
{
	phys_addr_t orig = page_to_phys(ZERO_PAGE(0)), tlb;
	bool known;

	mutex_lock(&burst.lock);
	tlb = swiotlb_tbl_map_single(burst.dev, orig, PAGE_SIZE, 0,
				     DMA_TO_DEVICE, DMA_ATTR_NO_WARN);
	if (tlb == (phys_addr_t)DMA_MAPPING_ERROR) {
		mutex_unlock(&burst.lock);
		return false;
	}
	known = swiotlb_find_pool(burst.dev, tlb) &&
		dma_direct_need_sync(burst.dev, phys_to_dma(burst.dev, tlb));
	swiotlb_tbl_unmap_single(burst.dev, tlb, PAGE_SIZE, DMA_TO_DEVICE, 0);
	mutex_unlock(&burst.lock);
	return known;
}

static void lookup_probe(void)
{
	struct probe_count c;
	bool control;

	/* First: with SWIOTLB_DYNAMIC the lookup is live once a buffer was. */
	control = lookup_control();
	alloc_until_refused(GFP_HIGHUSER_MOVABLE, false, true, &c);
	snprintf(probe_result, sizeof(probe_result),
		 "lookup lent=%lu foreign=%lu owned=%lu find_pool=%lu need_sync=%lu control=%d\n",
		 c.lent, c.foreign, c.owned, c.find_pool, c.need_sync, control);
	pr_info("%s", probe_result);
}

static void contig_probe(void)
{
	unsigned long nr_pages = 0, pfn;
	int stranger = -ENOENT, owner = -ENOENT;

	pfn = swiotlb_lend_first_lent_block(&nr_pages);
	if (pfn) {
		stranger = alloc_contig_range(pfn, pfn + nr_pages,
					      MIGRATE_MOVABLE, GFP_KERNEL);
		if (!stranger)
			free_contig_range(pfn, nr_pages);
		owner = alloc_contig_range(pfn, pfn + nr_pages,
					   MIGRATE_SWIOTLB, GFP_KERNEL);
		if (!owner)
			free_contig_range(pfn, nr_pages);
	}
	snprintf(probe_result, sizeof(probe_result),
		 "contig pfn=%#lx movable=%d swiotlb=%d\n", pfn, stranger,
		 owner);
	pr_info("%s", probe_result);
}

/* Whether a free of a pageblock's order may go to a per-cpu list at all. */
static bool pageblock_order_on_pcp(void)
{
	if (pageblock_order <= PAGE_ALLOC_COSTLY_ORDER)
		return true;
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	return pageblock_order == HPAGE_PMD_ORDER;
#else
	return false;
#endif
}

/*
 * Make the lent block at @pfn, taken whole by its owner, one page of
 * pageblock order.  Its pages are split pages of refcount 1; a tail
 * someone holds a speculative reference to (a pfn walker) cannot be
 * frozen, and then the block is freed page by page.
 */
static int thp_from_block(unsigned long pfn, unsigned long nr_pages)
{
	struct page *page = pfn_to_page(pfn);
	unsigned long i;

	for (i = 1; i < nr_pages; i++) {
		if (!page_ref_freeze(page + i, 1))
			break;
	}
	if (i == nr_pages)
		return 0;
	while (--i)
		page_ref_unfreeze(page + i, 1);
	free_contig_range(pfn, nr_pages);
	return -EBUSY;
}

static void thp_probe(void)
{
	unsigned long nr_pages = 0, pfn, before = 0, pcp_before = 0;
	unsigned long to_buddy = 0, pcp_freed = 0;
	struct per_cpu_pages *pcp;
	struct zone *zone;
	int err = -ENOENT;

	pfn = swiotlb_lend_first_lent_block(&nr_pages);
	if (!pageblock_order_on_pcp())
		err = -EOPNOTSUPP;
	/* Each tail page carries an allocation tag of its own. */
	else if (mem_alloc_profiling_enabled())
		err = -EOPNOTSUPP;
	else if (pfn && nr_pages == pageblock_nr_pages)
		err = alloc_contig_range(pfn, pfn + nr_pages, MIGRATE_SWIOTLB,
					 GFP_KERNEL);
	if (!err)
		err = thp_from_block(pfn, nr_pages);
	if (!err) {
		zone = page_zone(pfn_to_page(pfn));
		/*
		 * On this CPU throughout: its per-cpu list counts the pages
		 * freed to it (free_count), whether or not they are flushed
		 * to the buddy lists at once because the list is full.
		 */
		preempt_disable();
		pcp = this_cpu_ptr(zone->per_cpu_pageset);
		pcp_before = READ_ONCE(pcp->free_count);
		before = free_lent_pages();
		__free_pages(pfn_to_page(pfn), pageblock_order);
		to_buddy = free_lent_pages() - before;
		pcp_freed = READ_ONCE(pcp->free_count) - pcp_before;
		preempt_enable();
	}
	snprintf(probe_result, sizeof(probe_result),
		 "thp pfn=%#lx pages=%lu err=%d to_buddy=%ld pcp_freed=%ld\n",
		 pfn, nr_pages, err, (long)to_buddy, (long)pcp_freed);
	pr_info("%s", probe_result);
}

/*
 * What the kernel's own reports say of lending: dump_page() of the first
 * page of a lent block, and show_mem(), as an OOM kill prints it.
 */
static void report_probe(void)
{
	unsigned long nr_pages = 0, pfn;

	pfn = swiotlb_lend_first_lent_block(&nr_pages);
	if (pfn)
		dump_page(pfn_to_page(pfn), "swiotlb_lend_test: a lent page");
	/* The control: a page of the driver's own, never lent. */
	if (burst.orig)
		dump_page(virt_to_page(burst.orig), "swiotlb_lend_test: not lent");
	show_mem();
	snprintf(probe_result, sizeof(probe_result), "report pfn=%#lx\n",
		 pfn);
	pr_info("%s", probe_result);
}

/* A command written to a debugfs file, whitespace trimmed. */
static int read_command(char *buf, size_t size, const char __user *ubuf,
			size_t count)
{
	if (count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);
	return 0;
}

/*
 * Free pages parked on per-cpu lists are off the buddy lists that
 * nr_free_swiotlb counts, and only the CPU whose list holds them
 * allocates them: a test that fills lent blocks starts from the lists.
 */
static void drain_probe(void)
{
	drain_zones();
	snprintf(probe_result, sizeof(probe_result), "drain nr_free_swiotlb=%lu\n",
		 free_lent_pages());
}

static ssize_t alloc_probe_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[16];
	int ret;

	ret = read_command(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;

	mutex_lock(&probe_lock);
	if (!strcmp(buf, "movable"))
		alloc_probe(buf, GFP_HIGHUSER_MOVABLE, false);
	else if (!strcmp(buf, "unmovable"))
		alloc_probe(buf, GFP_KERNEL, false);
	else if (!strcmp(buf, "pin"))
		alloc_probe(buf, GFP_HIGHUSER_MOVABLE, true);
	else if (!strcmp(buf, "contig"))
		contig_probe();
	else if (!strcmp(buf, "report"))
		report_probe();
	else if (!strcmp(buf, "lookup"))
		lookup_probe();
	else if (!strcmp(buf, "drain"))
		drain_probe();
	else if (!strcmp(buf, "thp"))
		thp_probe();
	else
		count = -EINVAL;
	mutex_unlock(&probe_lock);
	return count;
}

static int alloc_probe_show(struct seq_file *m, void *v)
{
	mutex_lock(&probe_lock);
	seq_puts(m, probe_result);
	mutex_unlock(&probe_lock);
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(alloc_probe);

/* Pattern of buffer @seed; the "device" writes its complement. */
static void fill_pattern(void *buf, size_t size, u32 seed)
{
	u32 *p = buf;
	size_t i;

	for (i = 0; i < size / sizeof(*p); i++)
		p[i] = seed * 0x9e3779b9 + i;
}

static bool check_pattern(const void *buf, size_t size, u32 seed)
{
	const u32 *p = buf;
	size_t i;

	for (i = 0; i < size / sizeof(*p); i++)
		if (p[i] != seed * 0x9e3779b9 + i)
			return false;
	return true;
}

static u32 device_seed(unsigned int i)
{
	return ~i;
}

/*
 * Outside the lending pool: a transient pool bridged the mapping (none
 * without lending; with CONFIG_SWIOTLB_DYNAMIC, its transient pools).
 */
static bool burst_bridged(phys_addr_t tlb)
{
	const struct io_tlb_pool *pool = swiotlb_lender.pool;

	return pool && (tlb < pool->start || tlb >= pool->end);
}

static int burst_map(unsigned int count, size_t size,
		     enum dma_data_direction dir, unsigned long attrs,
		     bool nvme)
{
	bool may_sleep = attrs & DMA_ATTR_MAY_SLEEP;
	unsigned long flags, waits;
	phys_addr_t orig, tlb;
	unsigned int i;
	void *src;
	u64 start, ns;

	if (burst.active)
		return -EBUSY;
	if (nvme && size > BURST_OVERSIZE - BURST_NVME_OFFSET)
		return -EINVAL;
	burst.active = true;
	burst.offset = nvme ? BURST_NVME_OFFSET : 0;
	if (nvme)
		dma_set_min_align_mask(burst.dev, PAGE_SIZE - 1);
	burst.misaligned = 0;
	burst.count = count;
	burst.size = size;
	burst.dir = dir;
	burst.failed = 0;
	burst.verify_errors = 0;
	burst.max_ns = 0;
	burst.total_ns = 0;
	burst.unowned = 0;
	burst.min_fail_ns = U64_MAX;
	burst.bridged = 0;
	src = burst.orig + burst.offset;
	orig = virt_to_phys(src);
	waits = swiotlb_lend_waits();

	for (i = 0; i < count; i++) {
		fill_pattern(src, size, i);
		start = ktime_get_ns();
		if (may_sleep) {
			tlb = swiotlb_tbl_map_single(burst.dev, orig, size, 0,
						     dir, attrs);
		} else {
			local_irq_save(flags);
			tlb = swiotlb_tbl_map_single(burst.dev, orig, size, 0,
						     dir, attrs);
			local_irq_restore(flags);
		}
		ns = ktime_get_ns() - start;
		burst.total_ns += ns;
		burst.max_ns = max(burst.max_ns, ns);
		if (tlb == (phys_addr_t)DMA_MAPPING_ERROR) {
			burst.failed++;
			burst.min_fail_ns = min(burst.min_fail_ns, ns);
			continue;
		}
		if (burst_bridged(tlb))
			burst.bridged++;
		if ((tlb ^ orig) & dma_get_min_align_mask(burst.dev))
			burst.misaligned++;
		/* What the mapping copied in, then what the "device" writes. */
		if (dir != DMA_FROM_DEVICE &&
		    !check_pattern(phys_to_virt(tlb), size, i))
			burst.verify_errors++;
		if (dir != DMA_TO_DEVICE)
			fill_pattern(phys_to_virt(tlb), size, device_seed(i));
		burst.seed[burst.held] = i;
		burst.tlb[burst.held++] = tlb;
		cond_resched();
	}
	burst.waits = swiotlb_lend_waits() - waits;
	return 0;
}

/*
 * A held bounce buffer is still swiotlb's: the lookup knows it, and its
 * page is not free (swiotlb's pages always hold a reference: reserved at
 * boot, or allocated when their block was taken back).
 */
static bool burst_buffer_owned(phys_addr_t tlb)
{
	struct page *page = pfn_to_page(PHYS_PFN(tlb));

	return swiotlb_find_pool(burst.dev, tlb) && page_ref_count(page) &&
	       !PageBuddy(page);
}

/*
 * Check, unmap and forget every held buffer but every @keep-th one (all of
 * them if @keep is 0); the ones kept move to the front.
 */
static void burst_release(unsigned int keep)
{
	unsigned int i, kept = 0;
	u32 seed;

	for (i = 0; i < burst.held; i++) {
		if (keep && !(i % keep)) {
			burst.seed[kept] = burst.seed[i];
			burst.tlb[kept++] = burst.tlb[i];
			continue;
		}
		/* The bounce buffer must not have changed while held. */
		seed = burst.seed[i];
		if (burst.dir != DMA_TO_DEVICE)
			seed = device_seed(seed);
		if (!check_pattern(phys_to_virt(burst.tlb[i]), burst.size, seed))
			burst.verify_errors++;
		/* Its block must not have been lent meanwhile. */
		if (!burst_buffer_owned(burst.tlb[i]))
			burst.unowned++;
		swiotlb_tbl_unmap_single(burst.dev, burst.tlb[i], burst.size,
					 burst.dir, 0);
		if (burst.dir != DMA_TO_DEVICE &&
		    !check_pattern(burst.orig + burst.offset, burst.size, seed))
			burst.verify_errors++;
		cond_resched();
	}
	burst.held = kept;
	burst.active = kept > 0;
	if (!burst.active && burst.offset) {
		dma_set_min_align_mask(burst.dev, 0);
		burst.offset = 0;
	}
}

static int parse_burst(char *buf, unsigned int *count, size_t *size,
		       enum dma_data_direction *dir, unsigned long *attrs,
		       bool *nvme)
{
	char dirs[8], mode[8], opt[2][8];
	unsigned int sz;
	int n, i;

	n = sscanf(buf, "%u %u %7s %7s %7s %7s", count, &sz, dirs, mode,
		   opt[0], opt[1]);
	if (n < 4)
		return -EINVAL;
	*attrs = DMA_ATTR_NO_WARN;
	*nvme = false;
	for (i = 0; i < n - 4; i++) {
		if (!strcmp(opt[i], "warn"))
			*attrs &= ~DMA_ATTR_NO_WARN;
		else if (!strcmp(opt[i], "nvme"))
			*nvme = true;
		else
			return -EINVAL;
	}
	if (!*count || *count > BURST_MAX_COUNT || !sz || sz > BURST_OVERSIZE ||
	    sz % sizeof(u32))
		return -EINVAL;
	*size = sz;
	if (!strcmp(dirs, "to"))
		*dir = DMA_TO_DEVICE;
	else if (!strcmp(dirs, "from"))
		*dir = DMA_FROM_DEVICE;
	else if (!strcmp(dirs, "bidi"))
		*dir = DMA_BIDIRECTIONAL;
	else
		return -EINVAL;
	if (!strcmp(mode, "sleep"))
		*attrs |= DMA_ATTR_MAY_SLEEP;
	else if (strcmp(mode, "atomic"))
		return -EINVAL;
	return 0;
}

static ssize_t burst_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	enum dma_data_direction dir;
	unsigned long attrs;
	unsigned int nr;
	char buf[64];
	size_t size;
	bool nvme;
	int ret;

	ret = read_command(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;

	mutex_lock(&burst.lock);
	if (!strcmp(buf, "release")) {
		ret = burst.active ? 0 : -ENOENT;
		if (!ret)
			burst_release(0);
	} else if (!strncmp(buf, "release ", 8)) {
		ret = kstrtouint(buf + 8, 0, &nr);
		if (!ret && (!burst.active || nr < 2))
			ret = burst.active ? -EINVAL : -ENOENT;
		if (!ret)
			burst_release(nr);
	} else if (!strncmp(buf, "map ", 4)) {
		ret = parse_burst(buf + 4, &nr, &size, &dir, &attrs, &nvme);
		if (!ret)
			ret = burst_map(nr, size, dir, attrs, nvme);
	} else if (!strncmp(buf, "burst ", 6)) {
		ret = parse_burst(buf + 6, &nr, &size, &dir, &attrs, &nvme);
		if (!ret)
			ret = burst_map(nr, size, dir, attrs, nvme);
		if (!ret)
			burst_release(0);
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&burst.lock);
	return ret ?: count;
}

static int burst_show(struct seq_file *m, void *v)
{
	mutex_lock(&burst.lock);
	seq_printf(m, "held=%u mapped=%u failed=%u verify_errors=%u waits=%lu max_map_us=%llu total_map_us=%llu unowned=%u min_fail_us=%llu bridged=%u misaligned=%u\n",
		   burst.held, burst.count - burst.failed, burst.failed,
		   burst.verify_errors, burst.waits,
		   div_u64(burst.max_ns, NSEC_PER_USEC),
		   div_u64(burst.total_ns, NSEC_PER_USEC), burst.unowned,
		   burst.failed ? div_u64(burst.min_fail_ns, NSEC_PER_USEC) : 0,
		   burst.bridged, burst.misaligned);
	mutex_unlock(&burst.lock);
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(burst);

#define DIRECT_MAX_LOOPS	10000000
/* Inside the first slot of the page, not at its start. */
#define DIRECT_OFFSET		0x234
#define DIRECT_SIZE		0x200

#define SG_MAX_NENTS	8

/**
 * struct sg_probe - a sleepable dma_map_sg() call, and a release during it
 * @release:	Unmaps @tlb while the call may be waiting for slots.
 * @tlb:	A buffer taken from the burst interface.
 * @size:	Its size.
 * @dir:	Its direction.
 * @result:	What reading the file gives.
 */
struct sg_probe {
	struct delayed_work release;
	phys_addr_t tlb;
	size_t size;
	enum dma_data_direction dir;
	char result[64];
};

static struct sg_probe sg_probe = {
	.result = "none\n",
};

static void sg_release(struct work_struct *work)
{
	/* No copy back: burst.orig is what the sg call is mapping. */
	swiotlb_tbl_unmap_single(burst.dev, sg_probe.tlb, sg_probe.size,
				 sg_probe.dir, DMA_ATTR_SKIP_CPU_SYNC);
}

static int sg_map(unsigned int nents, size_t size, unsigned int release_ms)
{
	struct scatterlist sgl[SG_MAX_NENTS];
	unsigned int i;
	bool scoped;
	u64 start, ns;
	int ents;

	if (release_ms) {
		if (!burst.held)
			return -ENOENT;
		sg_probe.tlb = burst.tlb[--burst.held];
		sg_probe.size = burst.size;
		sg_probe.dir = burst.dir;
		burst.active = burst.held > 0;
	}
	sg_init_table(sgl, nents);
	for (i = 0; i < nents; i++)
		sg_set_buf(&sgl[i], burst.orig + i * size, size);

	start = ktime_get_ns();
	if (release_ms)
		schedule_delayed_work(&sg_probe.release,
				      msecs_to_jiffies(release_ms));
	ents = dma_map_sg_attrs(burst.dev, sgl, nents, DMA_TO_DEVICE,
				DMA_ATTR_MAY_SLEEP | DMA_ATTR_NO_WARN);
	ns = ktime_get_ns() - start;
	scoped = current->swiotlb_lend_deadline;
	if (ents)
		dma_unmap_sg_attrs(burst.dev, sgl, nents, DMA_TO_DEVICE, 0);
	if (release_ms)
		flush_delayed_work(&sg_probe.release);
	snprintf(sg_probe.result, sizeof(sg_probe.result),
		 "ents=%d us=%llu scoped=%d\n", ents,
		 div_u64(ns, NSEC_PER_USEC), scoped);
	return 0;
}

static ssize_t sg_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	unsigned int nents, size, release_ms;
	char buf[64];
	int ret;

	ret = read_command(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;
	if (sscanf(buf, "%u %u %u", &nents, &size, &release_ms) != 3 ||
	    !nents || nents > SG_MAX_NENTS || !size ||
	    size > BURST_MAX_SIZE / nents || release_ms > 60000)
		return -EINVAL;

	mutex_lock(&burst.lock);
	ret = sg_map(nents, size, release_ms);
	mutex_unlock(&burst.lock);
	return ret ?: count;
}

static int sg_show(struct seq_file *m, void *v)
{
	mutex_lock(&burst.lock);
	seq_puts(m, sg_probe.result);
	mutex_unlock(&burst.lock);
	return 0;
}
DEFINE_SHOW_STORE_ATTRIBUTE(sg);

#define KMALLOC_PROBE_MAX_COUNT	8192
#define KMALLOC_PROBE_MAX_SIZE	256

static char kmalloc_result[160] = "none\n";

/**
 * struct kmalloc_count - what a kmalloc() bouncing probe found
 * @expected:	Mappings that must bounce.
 * @bounced:	Mappings that did.
 * @failed:	Mappings that failed.
 * @unowned:	Bounce buffers swiotlb_find_pool() does not know.
 * @verify_errors: Buffers whose contents were wrong.
 * @in_reserve:	Bounce buffers in the reserve part of their area.
 */
struct kmalloc_count {
	unsigned int expected;
	unsigned int bounced;
	unsigned int failed;
	unsigned int unowned;
	unsigned int verify_errors;
	unsigned int in_reserve;
};

/* Is @phys, a slot of the lending pool, in the reserve part of its area? */
static bool slot_in_reserve(phys_addr_t phys)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long slot;

	if (!pool || phys < pool->start || phys >= pool->end)
		return false;
	slot = (phys - pool->start) >> IO_TLB_SHIFT;
	return slot % l->area_nslabs >= l->area_nslabs - l->area_lend_nslabs;
}

/* Map one kmalloc() buffer; check its bounce buffer if it has one. */
static dma_addr_t kmalloc_map(void *buf, size_t size, u32 seed,
			      struct kmalloc_count *c)
{
	phys_addr_t phys;
	dma_addr_t addr;

	fill_pattern(buf, size, seed);
	c->expected += dma_kmalloc_needs_bounce(burst.dev, size,
						DMA_BIDIRECTIONAL);
	addr = dma_map_single(burst.dev, buf, size, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(burst.dev, addr)) {
		c->failed++;
		return addr;
	}
	phys = dma_to_phys(burst.dev, addr);
	if (phys == virt_to_phys(buf))
		return addr;
	c->bounced++;
	if (!swiotlb_find_pool(burst.dev, phys))
		c->unowned++;
	c->in_reserve += slot_in_reserve(phys);
	/* What the mapping copied in, then what the "device" writes. */
	if (!check_pattern(phys_to_virt(phys), size, seed))
		c->verify_errors++;
	fill_pattern(phys_to_virt(phys), size, device_seed(seed));
	return addr;
}

static int kmalloc_probe(unsigned int count, size_t size)
{
	struct kmalloc_count c = { };
	dma_addr_t *addr;
	void **buf;
	unsigned int i, n;
	bool device_wrote;

	buf = kvcalloc(count, sizeof(*buf), GFP_KERNEL);
	addr = kvcalloc(count, sizeof(*addr), GFP_KERNEL);
	if (!buf || !addr) {
		kvfree(buf);
		kvfree(addr);
		return -ENOMEM;
	}
	for (n = 0; n < count; n++) {
		buf[n] = kmalloc(size, GFP_KERNEL);
		if (!buf[n])
			break;
		addr[n] = kmalloc_map(buf[n], size, n, &c);
		cond_resched();
	}
	for (i = 0; i < n; i++) {
		if (dma_mapping_error(burst.dev, addr[i]))
			continue;
		device_wrote = dma_to_phys(burst.dev, addr[i]) !=
			       virt_to_phys(buf[i]);
		dma_unmap_single(burst.dev, addr[i], size, DMA_BIDIRECTIONAL);
		if (!check_pattern(buf[i], size,
				   device_wrote ? device_seed(i) : i))
			c.verify_errors++;
	}
	for (i = 0; i < n; i++)
		kfree(buf[i]);
	kvfree(buf);
	kvfree(addr);

	snprintf(kmalloc_result, sizeof(kmalloc_result),
		 "kmalloc count=%u expected=%u bounced=%u failed=%u unowned=%u verify_errors=%u coherent=%d in_reserve=%u\n",
		 n, c.expected, c.bounced, c.failed, c.unowned,
		 c.verify_errors, dev_is_dma_coherent(burst.dev), c.in_reserve);
	return n < count ? -ENOMEM : 0;
}

static ssize_t kmalloc_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	unsigned int n, size;
	char buf[32];
	int ret;

	ret = read_command(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;
	if (sscanf(buf, "%u %u", &n, &size) != 2 || !n ||
	    n > KMALLOC_PROBE_MAX_COUNT || !size || size > KMALLOC_PROBE_MAX_SIZE)
		return -EINVAL;

	mutex_lock(&burst.lock);
	ret = kmalloc_probe(n, size);
	mutex_unlock(&burst.lock);
	return ret ?: count;
}

static int kmalloc_show(struct seq_file *m, void *v)
{
	mutex_lock(&burst.lock);
	seq_puts(m, kmalloc_result);
	mutex_unlock(&burst.lock);
	return 0;
}
DEFINE_SHOW_STORE_ATTRIBUTE(kmalloc);

static char direct_result[160] = "none\n";
static struct device_dma_parameters burst_dma_parms;

/**
 * struct direct_count - what the map/sync/unmap loops found
 * @bounced:	Mappings that were not direct.
 * @failed:	Mappings that failed.
 * @need_sync:	Mappings that dma_direct_need_sync() took for bounce buffers.
 */
struct direct_count {
	unsigned int bounced;
	unsigned int failed;
	unsigned int need_sync;
};

/* Map, sync and unmap @page @loops times; return the time it took. */
static u64 direct_loop(struct page *page, unsigned int loops,
		       struct direct_count *c)
{
	dma_addr_t direct = phys_to_dma(burst.dev, page_to_phys(page) +
					DIRECT_OFFSET);
	dma_addr_t addr;
	unsigned int i;
	u64 start;

	start = ktime_get_ns();
	for (i = 0; i < loops; i++) {
		addr = dma_map_page(burst.dev, page, DIRECT_OFFSET, DIRECT_SIZE,
				    DMA_BIDIRECTIONAL);
		if (dma_mapping_error(burst.dev, addr)) {
			c->failed++;
			continue;
		}
		if (addr != direct)
			c->bounced++;
		if (dev_is_dma_coherent(burst.dev) &&
		    dma_direct_need_sync(burst.dev, addr))
			c->need_sync++;
		dma_sync_single_for_cpu(burst.dev, addr, DIRECT_SIZE,
					DMA_BIDIRECTIONAL);
		dma_unmap_page(burst.dev, addr, DIRECT_SIZE, DMA_BIDIRECTIONAL);
		if (!(i % 1024))
			cond_resched();
	}
	return ktime_get_ns() - start;
}

static void direct_bench(unsigned int loops)
{
	struct direct_count c = { };
	char inside[24] = "none";
	struct probe_count pc;
	struct page *lent;
	u64 outside;

	/* A misidentified unmap then frees a slot: see the file comment. */
	dma_set_min_align_mask(burst.dev, PAGE_SIZE - 1);
	outside = direct_loop(virt_to_page(burst.orig), loops, &c);
	/* Movable allocations take regular memory first: try them all. */
	lent = alloc_until_refused(GFP_HIGHUSER_MOVABLE, true, false, &pc);
	if (lent) {
		snprintf(inside, sizeof(inside), "%llu",
			 div_u64(direct_loop(lent, loops, &c) * 1000, loops));
		__free_page(lent);
	}
	dma_set_min_align_mask(burst.dev, 0);
	snprintf(direct_result, sizeof(direct_result),
		 "loops=%u outside_ps=%llu inside_ps=%s bounced=%u failed=%u need_sync=%u\n",
		 loops, div_u64(outside * 1000, loops), inside, c.bounced,
		 c.failed, c.need_sync);
	pr_info("direct: %s", direct_result);
}

static ssize_t direct_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	unsigned int loops;
	char buf[16];
	int ret;

	ret = read_command(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;
	ret = kstrtouint(buf, 0, &loops);
	if (ret)
		return ret;
	if (!loops || loops > DIRECT_MAX_LOOPS)
		return -EINVAL;

	mutex_lock(&burst.lock);
	/* It sets the device's min_align_mask, which an "nvme" burst holds. */
	if (burst.offset) {
		mutex_unlock(&burst.lock);
		return -EBUSY;
	}
	direct_bench(loops);
	mutex_unlock(&burst.lock);
	return count;
}

static int direct_show(struct seq_file *m, void *v)
{
	mutex_lock(&burst.lock);
	seq_puts(m, direct_result);
	mutex_unlock(&burst.lock);
	return 0;
}

DEFINE_SHOW_STORE_ATTRIBUTE(direct);

static int hold_worker_set(void *data, u64 val)
{
	if (val > SWIOTLB_LEND_HOLD_MAP_TIME)
		return -EINVAL;
	swiotlb_lend_hold_worker(val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_hold_worker, NULL, hold_worker_set, "%llu\n");

static int lru_disabled_get(void *data, u64 *val)
{
	/* Signed: an unbalanced lru_cache_enable() shows as negative. */
	*val = (s64)atomic_read(&lru_disable_count);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_lru_disabled, lru_disabled_get, NULL, "%lld\n");

static int __init swiotlb_lend_test_init(void)
{
	struct platform_device *pdev;
	struct dentry *dir;

	pdev = platform_device_register_simple("swiotlb_lend_test",
					       PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev) ||
	    dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64))) {
		pr_err("no test device: the test driver is not available\n");
		return 0;
	}
	pdev->dev.dma_parms = &burst_dma_parms;
	burst.dev = &pdev->dev;
	dir = debugfs_create_dir("swiotlb_lend_test", NULL);
	debugfs_create_file("alloc_probe", 0600, dir, NULL, &alloc_probe_fops);

	burst.tlb = kvcalloc(BURST_MAX_COUNT, sizeof(*burst.tlb), GFP_KERNEL);
	burst.seed = kvcalloc(BURST_MAX_COUNT, sizeof(*burst.seed), GFP_KERNEL);
	burst.orig = (void *)__get_free_pages(GFP_KERNEL,
					      get_order(BURST_OVERSIZE));
	if (!burst.tlb || !burst.seed || !burst.orig) {
		kvfree(burst.tlb);
		kvfree(burst.seed);
		free_pages((unsigned long)burst.orig, get_order(BURST_OVERSIZE));
		pr_err("no memory for bursts: burst is not available\n");
		return 0;
	}
	debugfs_create_file("burst", 0600, dir, NULL, &burst_fops);
	debugfs_create_file("direct", 0600, dir, NULL, &direct_fops);
	INIT_DELAYED_WORK(&sg_probe.release, sg_release);
	debugfs_create_file("sg", 0600, dir, NULL, &sg_fops);
	debugfs_create_file("kmalloc", 0600, dir, NULL, &kmalloc_fops);
	debugfs_create_file_unsafe("hold_worker", 0200, dir, NULL,
				   &fops_hold_worker);
	debugfs_create_file_unsafe("lru_disabled", 0400, dir, NULL,
				   &fops_lru_disabled);
	return 0;
}
late_initcall(swiotlb_lend_test_init);
