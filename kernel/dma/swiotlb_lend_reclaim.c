// SPDX-License-Identifier: GPL-2.0
/*
 * swiotlb lending: take lent blocks back when bounce slots run low, lend
 * them again once swiotlb is idle.
 *
 * The map path compares the free slots of the area it has just used with
 * the area's share of the high watermark: one comparison, the common case.
 * Below it, the map path notes the time (re-lending waits until nothing
 * has been noted for a grace period), and below the low watermark's share
 * it queues the reclaim worker.  The worker takes a lent block with
 * alloc_contig_range(), which migrates the pages in it, then clears the
 * block's lent bit and gives its slots to the area.
 *
 * Each area offers one candidate, its lowest lent block that is not
 * waiting for a retry, and the worker takes the candidate with the fewest
 * pages in use.  A block that fails (a pinned page, writeback, direct
 * I/O, a hwpoisoned page) is retried after a delay that grows with each
 * failure; meanwhile the blocks above it come back around it and it stays
 * lent, a hole in its area's search window (whose slots look used to the
 * search), so one stuck block strands nothing else.
 *
 * Re-lending takes an area's highest owned block, if all its slots are
 * free, out of the slot allocator and frees its pages to the page
 * allocator as MIGRATE_SWIOTLB again, as long as the area keeps a block's
 * worth of slots above its share of the high watermark; the window then
 * ends below the next owned block, so searches do not walk holes.  Between
 * the watermarks nothing moves: that is the hysteresis.
 *
 * See Documentation/core-api/swiotlb-lend.rst.
 */

#define pr_fmt(fmt) "swiotlb_lend: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swiotlb_lend.h>
#include <linux/vmstat.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <trace/events/swiotlb.h>

#include "swiotlb_lend.h"
#include "swiotlb_lend_reclaim.h"

/*
 * A block that failed is not tried again for a while: 10 ms after its
 * first failure (most failures are transient: a page locked, under
 * writeback or being migrated already), doubling up to a second.
 */
#define RECLAIM_RETRY_MIN	max(1, HZ / 100)
#define RECLAIM_RETRY_MAX	HZ
/* A waiting mapping retries at least this often (slots may be unmapped). */
#define WAIT_SLICE		max(1, HZ / 100)

#define RELEND_DELAY_MS_DEFAULT	5000
#define RELEND_DELAY_MS_MIN	100
#define RELEND_DELAY_MS_MAX	3600000
#define WAIT_MS_DEFAULT		100
#define WAIT_MS_MAX		1000

enum worker_state {
	WORKER_IDLE,
	WORKER_RECLAIMING,
	WORKER_RELENDING,
	WORKER_BACKOFF,
};

/**
 * struct swiotlb_lend_reclaimer - reclaim and re-lend state
 * @wq:			Unbound, freezable workqueue with a rescuer.
 * @reclaim_work:	Takes lent blocks back; queued by kicks, and again when
 *			a backoff ends.
 * @relend_work:	Lends blocks again after the grace period.
 * @lock:		Serializes reclaim and re-lend.
 * @owner_lock:		Serializes a re-lend's change of its area's window
 *			with the blocks swiotlb_lend_take_free() gives back,
 *			in any context, while the worker holds @lock.  Taken
 *			before an area lock, never under a zone lock.
 * @waitq:		Sleepable mappings waiting for slots.
 * @progress:		Bumped whenever the worker may have freed slots.
 * @cand:		Candidate blocks, one per area (under @lock).
 * @failed_at:		Per block: jiffies of its last failure (under @lock).
 * @fails:		Per block: failures in a row, 0 if its last take-back
 *			succeeded (under @lock).
 * @wmark_low:		Low watermark, free slots in the pool.
 * @wmark_high:		High watermark, free slots in the pool.
 * @area_low:		Per-area share of @wmark_low.
 * @relend_delay_ms:	Grace period above the high watermark.
 * @wait_ms:		Longest wait of a sleepable mapping.
 * @last_busy:		Last time (jiffies) an area could not have lent a
 *			block again (below its high share plus a block).
 * @backoff:		Per area: kicks from it are ignored for a while,
 *			because every lent block it could take back waits
 *			for a retry.
 * @state:		What the worker does now.
 * @last_ns:		Duration of the last successful reclaim of a block.
 * @max_ns:		Longest successful reclaim of a block.
 * @reclaimed:		Blocks taken back.
 * @taken_free:		Of those, blocks with no page in use taken at map
 *			time (swiotlb_lend_take_free()).
 * @failed:		Blocks that could not be taken back.
 * @no_room:		Of those, take-backs refused because free memory could
 *			not absorb the block's pages (-ENOMEM).
 * @relent:		Blocks lent again.
 * @waits:		Mappings that waited (a dma_map_sg() call counts once).
 * @wait_failures:	Mappings that waited and failed anyway.
 * @bridge:		Whether mappings may be bridged (CONFIG_SWIOTLB_LEND_BRIDGE).
 * @bridged:		Mappings bridged by a transient pool.
 * @bridge_failures:	Mappings whose transient pool could not be allocated.
 */
struct swiotlb_lend_reclaimer {
	struct workqueue_struct *wq;
	struct delayed_work reclaim_work;
	struct delayed_work relend_work;
	struct mutex lock;		/* one of reclaim or re-lend at a time */
	spinlock_t owner_lock;
	wait_queue_head_t waitq;
	atomic_t progress;
	struct swiotlb_lend_candidate *cand;
	unsigned long *failed_at;
	u8 *fails;
	unsigned long wmark_low;
	unsigned long wmark_high;
	unsigned int area_low;
	unsigned int relend_delay_ms;
	unsigned int wait_ms;
	unsigned long last_busy;
	struct swiotlb_lend_backoff {
		unsigned long start;	/* jiffies */
		unsigned long len;	/* jiffies, 0: no backoff */
	} *backoff;
	enum worker_state state;
	u64 last_ns;
	u64 max_ns;
	atomic_long_t reclaimed;
	atomic_long_t taken_free;
	atomic_long_t failed;
	atomic_long_t no_room;
	atomic_long_t relent;
	atomic_long_t waits;
	atomic_long_t wait_failures;
	bool bridge;
	atomic_long_t bridged;
	atomic_long_t bridge_failures;
};

static struct swiotlb_lend_reclaimer reclaimer = {
	.owner_lock = __SPIN_LOCK_UNLOCKED(reclaimer.owner_lock),
	.relend_delay_ms = RELEND_DELAY_MS_DEFAULT,
	.wait_ms = WAIT_MS_DEFAULT,
	.bridge = true,
};

unsigned int swiotlb_lend_area_high;
unsigned int swiotlb_lend_area_busy;

/* Set by the test driver only (CONFIG_SWIOTLB_LEND_TEST). */
static enum swiotlb_lend_hold worker_held;

#if IS_ENABLED(CONFIG_SWIOTLB_LEND_TEST)
/**
 * swiotlb_lend_hold_worker() - keep blocks from being taken back
 * @hold:	What to hold; %SWIOTLB_LEND_HOLD_NONE lets everything go (the
 *		worker is queued then).
 *
 * For the test driver: with every take-back held, a sleepable mapping
 * that finds no slots waits its whole lend_wait_ms, which no load can
 * arrange reliably; with only the worker held, blocks come back at map
 * time alone; with map-time take-backs held, through the worker alone.
 *
 * Context: Process context.
 */
void swiotlb_lend_hold_worker(enum swiotlb_lend_hold hold)
{
	WRITE_ONCE(worker_held, hold);
	if (!hold)
		swiotlb_lend_kick();
}
#endif

/**
 * swiotlb_lend_check_wmarks() - validate a pair of watermarks
 * @low:		Low watermark, free slots in the pool.
 * @high:		High watermark, free slots in the pool.
 * @base_nslabs:	Slots of the pool that are never lent.
 *
 * The high watermark must not exceed the base pool: a fully lent, idle
 * pool would otherwise sit below it and reclaim for nothing.
 *
 * Context: Any context.
 * Return: 0 if 0 < @low < @high <= @base_nslabs, -EINVAL otherwise.
 */
int swiotlb_lend_check_wmarks(unsigned long low, unsigned long high,
			      unsigned long base_nslabs)
{
	if (!low || low >= high || high > base_nslabs)
		return -EINVAL;
	return 0;
}

/**
 * swiotlb_lend_area_share() - one area's share of a pool watermark
 * @wmark:	Watermark of the pool, in slots.
 * @nareas:	Areas of the pool.
 *
 * Rounded up, so that a non-zero watermark never becomes zero.
 *
 * Context: Any context.
 * Return: The share, in slots.
 */
unsigned int swiotlb_lend_area_share(unsigned long wmark, unsigned int nareas)
{
	return DIV_ROUND_UP(wmark, max(nareas, 1U));
}

/**
 * swiotlb_lend_pick_block() - choose the block to take back next
 * @cand:	Candidates, one per area that needs slots.
 * @n:		Number of candidates.
 *
 * The block with the fewest pages in use is the cheapest to migrate; on a
 * tie, the area with the fewest free slots needs it most, then the lowest
 * block keeps the choice stable.
 *
 * Context: Any context.
 * Return: Index in @cand, or -1 if @n is 0.
 */
int swiotlb_lend_pick_block(const struct swiotlb_lend_candidate *cand,
			    unsigned int n)
{
	const struct swiotlb_lend_candidate *best = NULL, *c;

	for (c = cand; c < cand + n; c++) {
		if (best && c->used_pages > best->used_pages)
			continue;
		if (best && c->used_pages == best->used_pages) {
			if (c->area_free > best->area_free)
				continue;
			if (c->area_free == best->area_free &&
			    c->block > best->block)
				continue;
		}
		best = c;
	}
	return best ? best - cand : -1;
}

/**
 * swiotlb_lend_may_take_back() - can memory absorb a block's pages?
 * @free:		Free pages of the block's node that the kernel may use,
 *			outside lent blocks.
 * @reclaimable:	Page cache pages of the node that reclaim may drop to
 *			make room.
 * @used:		Pages of the block in use, to be migrated out.
 * @floor:		Free pages the node keeps: its zones' low watermarks
 *			(and lowmem_reserve).
 *
 * Taking a block back moves its pages in use into the rest of memory.
 * DMA comes first, down to the low watermark: the block comes back if its
 * pages fit above it, counting page cache that reclaim can drop (kswapd
 * does it, woken by the migration targets' allocations).  Not down to the
 * min watermark: an allocation that finds free memory at min must reclaim
 * directly, and with nothing left to reclaim the next one, anyone's, meets
 * the OOM killer; between low and min allocations still succeed (waking
 * kswapd).  Below the floor the take-back fails instead, as a mapping
 * fails on a fixed pool of the base size: repaying the loan never pushes
 * the system into the OOM killer.  A block with nothing in use needs no
 * room.
 *
 * Context: Any context.
 * Return: %true if the block may be taken back now.
 */
bool swiotlb_lend_may_take_back(unsigned long free, unsigned long reclaimable,
				unsigned long used, unsigned long floor)
{
	return !used || free + reclaimable >= floor + used;
}

/*
 * Whether memory can absorb the pages in use of the block at @pfn.  Their
 * migration targets are movable allocations from the block's node without
 * __GFP_HIGHMEM (the reserve is low memory), and the allocations that
 * would meet the OOM killer are GFP_KERNEL: both take from the zones up to
 * ZONE_NORMAL only, and from each what a GFP_KERNEL allocation may use.
 * Free CMA and highatomic pages are not room for the kernel; the part of a
 * lower zone held back by lowmem_reserve neither.  A zone below its floor
 * gives no room to the others.  Page cache counts half, at most all but
 * the low watermarks, as in si_mem_available().
 */
static bool block_may_take_back(unsigned long pfn, unsigned long used)
{
	pg_data_t *pgdat = page_pgdat(pfn_to_page(pfn));
	unsigned long floor = 0, free = 0, file = 0, low = 0, z_floor;
	long z_free;
	struct zone *zone;

	for (zone = pgdat->node_zones;
	     zone <= pgdat->node_zones + ZONE_NORMAL; zone++) {
		if (!populated_zone(zone))
			continue;
		z_free = zone_page_state_snapshot(zone, NR_FREE_PAGES) -
			 zone_page_state_snapshot(zone, NR_FREE_SWIOTLB_PAGES) -
			 zone_page_state_snapshot(zone, NR_FREE_CMA_PAGES) -
			 READ_ONCE(zone->nr_reserved_highatomic);
		z_floor = low_wmark_pages(zone) +
			  zone->lowmem_reserve[ZONE_NORMAL];
		free += max_t(long, z_free, z_floor);
		floor += z_floor;
		low += low_wmark_pages(zone);
		file += zone_page_state(zone, NR_ZONE_INACTIVE_FILE) +
			zone_page_state(zone, NR_ZONE_ACTIVE_FILE);
	}
	return swiotlb_lend_may_take_back(free, file - min(file / 2, low),
					  used, floor);
}

/**
 * swiotlb_lend_may_relend() - may an area give up one block?
 * @area_free:		Free slots of the area.
 * @block_nslabs:	Slots per block.
 * @area_high:		The area's share of the high watermark.
 *
 * Only if the area stays at or above its high share afterwards; the
 * worker reclaims below the low share, so a steady load between the two
 * moves nothing.
 *
 * Context: Any context.
 * Return: %true if the block may go.
 */
bool swiotlb_lend_may_relend(unsigned long area_free,
			     unsigned long block_nslabs,
			     unsigned long area_high)
{
	return area_free >= area_high + block_nslabs;
}

/**
 * swiotlb_lend_time_left() - how much of a period that began at @start is left
 * @now:	jiffies now.
 * @start:	jiffies when the period began.
 * @span:	Its length in jiffies; 0 for no period at all.
 *
 * The worker's periods (the grace before re-lending, a backoff, a failed
 * block's retry delay) are kept as a start and a length, never as an end
 * compared with time_before(): an end of 0 meaning "none" is "in the
 * future" for the first five minutes on 32-bit, whose jiffies start just
 * before their wrap (INITIAL_JIFFIES), and an end left over from long ago
 * is "in the future" again once jiffies have moved on by 2^(BITS_PER_LONG-1).
 * Here elapsed time is unsigned, so only a period begun less than @span
 * before @now (modulo 2^BITS_PER_LONG) is running.  A @start a tick ahead of
 * @now (read by a racing CPU) counts as long over: callers check again.
 *
 * Context: Any context.
 * Return: The jiffies left, at most @span; 0 once the period is over.
 */
unsigned long swiotlb_lend_time_left(unsigned long now, unsigned long start,
				     unsigned long span)
{
	unsigned long elapsed = now - start;

	return elapsed < span ? span - elapsed : 0;
}

/**
 * swiotlb_lend_retry_delay() - how long a failed block is left alone
 * @fails:	Failures in a row of the block.
 *
 * Context: Any context.
 * Return: 0 for a block that has not failed, else RECLAIM_RETRY_MIN
 * doubling with each failure, at most RECLAIM_RETRY_MAX (jiffies).
 */
unsigned long swiotlb_lend_retry_delay(unsigned int fails)
{
	unsigned long delay = RECLAIM_RETRY_MIN;

	if (!fails)
		return 0;
	/* At most log2(RECLAIM_RETRY_MAX / RECLAIM_RETRY_MIN) + 1 rounds. */
	while (--fails && delay < RECLAIM_RETRY_MAX)
		delay <<= 1;
	return min_t(unsigned long, delay, RECLAIM_RETRY_MAX);
}

/*
 * True once the worker is set up for the default pool, and as long as the
 * pool lends (swiotlb_exit() may tear it down before lending begins).
 */
static bool reclaimer_ready(void)
{
	/* Pairs with smp_store_release() in swiotlb_lend_reclaim_init(). */
	return smp_load_acquire(&reclaimer.wq) && READ_ONCE(swiotlb_lender.pool);
}

/*
 * How long kicks from area @a are pointless.  Two lockless reads: a kick
 * racing with the start or end of a backoff may be let through or
 * dropped; either is harmless, the worker re-queues itself when a backoff
 * ends if an area needs it.
 */
static unsigned long area_backoff_left(unsigned int a, unsigned long now)
{
	return swiotlb_lend_time_left(now, READ_ONCE(reclaimer.backoff[a].start),
				      READ_ONCE(reclaimer.backoff[a].len));
}

/* Lendable blocks of an area: [first, first + n). */
static unsigned long area_lendable(unsigned int a, unsigned long *n)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;

	*n = l->area_lend_nslabs / l->block_nslabs;
	return swiotlb_lend_slot_block(l, (a + 1) * l->area_nslabs -
					  l->area_lend_nslabs);
}

static bool block_lent(unsigned long block)
{
	return test_bit(block, swiotlb_lender.pool->lent_blocks);
}

/* May a block be lent (again)?  Owned, and not kept for good. */
static bool block_relendable(unsigned long block)
{
	return !block_lent(block) && !test_bit(block, swiotlb_lender.kept);
}

/* Has an area a lent block? */
static bool area_has_lent(unsigned int a)
{
	unsigned long n, first = area_lendable(a, &n);

	return find_next_bit(swiotlb_lender.pool->lent_blocks, first + n,
			     first) < first + n;
}

/*
 * How long until the worker may take back a block of any area that still
 * has one (an area with nothing lent cannot help).
 */
static unsigned long pool_backoff_left(unsigned long now)
{
	unsigned long left = ULONG_MAX, l;
	unsigned int a;

	for (a = 0; a < swiotlb_lender.layout.nareas && left; a++) {
		if (!area_has_lent(a))
			continue;
		l = area_backoff_left(a, now);
		left = min(left, l);
	}
	return left == ULONG_MAX ? 0 : left;
}

static void kick(struct workqueue_struct *wq)
{
	struct delayed_work *dw = &reclaimer.reclaim_work;

	/*
	 * A look the worker scheduled for the end of a backoff (up to a
	 * second away) must not hold up a kick from an area that can be
	 * served now: bring it forward.  The common case, already queued to
	 * run, stays a test of the pending bit.
	 */
	if (timer_pending(&dw->timer))
		mod_delayed_work(wq, dw, 0);
	else
		queue_delayed_work(wq, dw, 0);
}

/**
 * swiotlb_lend_want_bridges() - the pool ran short: bridges may be needed
 *
 * With blocks lent, a pool short of slots may soon have mappings to
 * bridge: have lookups find bridges from now on (once; not while bridging
 * is turned off).
 *
 * Context: Any context but NMI.
 */
void swiotlb_lend_want_bridges(void)
{
	if (reclaimer_ready() && atomic_long_read(&swiotlb_lender.lent) &&
	    READ_ONCE(reclaimer.bridge))
		swiotlb_want_bridging();
}

/**
 * swiotlb_lend_kick() - queue the reclaim worker, unless every area backs off
 *
 * Context: Any context, hard IRQ included.
 */
void swiotlb_lend_kick(void)
{
	/* Pairs with smp_store_release() in swiotlb_lend_reclaim_init(). */
	struct workqueue_struct *wq = smp_load_acquire(&reclaimer.wq);

	if (!wq || !atomic_long_read(&swiotlb_lender.lent))
		return;
	if (pool_backoff_left(jiffies))
		return;
	kick(wq);
}

/**
 * __swiotlb_lend_note_free() - an area could not lend a block again
 * @area:	Index of the area.
 * @area_free:	Free slots of the area.
 *
 * Below the high share, the first time, the bridge lookup is patched in:
 * a burst may soon find no slots before lent blocks are back.  (Not as
 * soon as the area could not lend again: that is a block higher, and
 * where blocks are large, every slot of the area.)  Below the low share
 * the worker is queued, unless that area backs off: a stuck block of
 * another area does not silence this one.
 *
 * Context: Any context but NMI.
 */
void __swiotlb_lend_note_free(unsigned int area, unsigned int area_free)
{
	/* Pairs with smp_store_release() in swiotlb_lend_reclaim_init(). */
	struct workqueue_struct *wq = smp_load_acquire(&reclaimer.wq);
	unsigned long now = jiffies;

	/* Write only when the value changes: the line stays shared. */
	if (READ_ONCE(reclaimer.last_busy) != now)
		WRITE_ONCE(reclaimer.last_busy, now);
	if (!wq || !atomic_long_read(&swiotlb_lender.lent))
		return;
	if (area_free < READ_ONCE(swiotlb_lend_area_high))
		swiotlb_lend_want_bridges();
	if (area_free >= READ_ONCE(reclaimer.area_low) ||
	    area_backoff_left(area, now))
		return;
	kick(wq);
}

/**
 * swiotlb_lend_wait_helps() - may waiting for the worker give a mapping slots?
 * @lends:		The device maps from the pool that lends.
 * @lent:		Blocks lent now.
 * @backoff_left:	jiffies until the worker stops backing off (0: it
 *			does not).
 * @wait_left:		jiffies the mapping may still wait.
 *
 * Only the default pool lends: a restricted DMA pool never gets a block
 * back.  With nothing lent there is nothing to take back, and while the
 * worker backs off past the mapping's deadline it will not try.
 *
 * Context: Any context.
 * Return: %true if a wait may end in free slots.
 */
bool swiotlb_lend_wait_helps(bool lends, long lent, unsigned long backoff_left,
			     unsigned long wait_left)
{
	return lends && lent > 0 && backoff_left < wait_left;
}

/**
 * swiotlb_lend_wait() - wait a little for the worker to free slots
 * @dev:	Device being mapped.
 * @deadline:	0 on the first call for a mapping; kept across calls, and
 *		shared by the entries of one dma_map_sg() call
 *		(swiotlb_lend_map_deadline()).
 *
 * For mappings made with %DMA_ATTR_MAY_SLEEP that found no free slots:
 * queue the worker and sleep until it makes progress or a short slice
 * passes (other mappings may be released meanwhile); the caller searches
 * again after each call.  The whole wait is bounded by lend_wait_ms, and
 * there is none when it cannot help (swiotlb_lend_wait_helps()).
 *
 * Context: Process context, may sleep.
 * Return: %true if the caller should search again, %false once the
 * mapping should fail.
 */
bool swiotlb_lend_wait(struct device *dev, unsigned long *deadline)
{
	unsigned long now = jiffies, left;
	int seen;

	might_sleep();
	if (!reclaimer_ready())
		return false;
	if (!*deadline) {
		unsigned int ms = READ_ONCE(reclaimer.wait_ms);

		if (!ms)
			return false;
		left = msecs_to_jiffies(ms);
	} else {
		left = time_before(now, *deadline) ? *deadline - now : 0;
	}
	if (!swiotlb_lend_wait_helps(dev->dma_io_tlb_mem &&
				     &dev->dma_io_tlb_mem->defpool == swiotlb_lender.pool,
				     atomic_long_read(&swiotlb_lender.lent),
				     pool_backoff_left(now), left)) {
		if (*deadline)
			atomic_long_inc(&reclaimer.wait_failures);
		return false;
	}
	if (!*deadline) {
		/* 0 means "not started": a deadline at the wrap is a tick late. */
		*deadline = (now + left) ?: 1;
		atomic_long_inc(&reclaimer.waits);
	}
	seen = atomic_read(&reclaimer.progress);
	swiotlb_lend_kick();
	wait_event_timeout(reclaimer.waitq,
			   atomic_read(&reclaimer.progress) != seen,
			   min_t(unsigned long, left, WAIT_SLICE));
	return true;
}

/**
 * swiotlb_lend_may_grow() - may CONFIG_SWIOTLB_DYNAMIC add a pool?
 * @lends:	The pool that found no slots lends its reserve.
 * @lent:	Blocks lent now.
 * @worker_helps: The worker is up and not backing off: it will try to take
 *		a block back.
 *
 * A pool SWIOTLB_DYNAMIC adds is kept for good; lent blocks come back for
 * the burst and are lent again after it.  So a lending pool grows only
 * once its whole reserve is back and still not enough, or when the worker
 * cannot bring it back (it failed to start, or its blocks keep failing):
 * the reserve is the first growth, dynamic pools the next.  Transient
 * pools, freed at unmap, are not growth and bridge mappings meanwhile.
 *
 * Context: Any context.
 * Return: %true if a pool may be added.
 */
bool swiotlb_lend_may_grow(bool lends, long lent, bool worker_helps)
{
	return !lends || lent <= 0 || !worker_helps;
}

/**
 * swiotlb_lend_mem_may_grow() - may CONFIG_SWIOTLB_DYNAMIC grow @mem now?
 * @mem:	The swiotlb memory that found no free slots.
 *
 * Context: Any context.
 * Return: %true if a pool may be added to @mem (swiotlb_lend_may_grow()).
 */
bool swiotlb_lend_mem_may_grow(struct io_tlb_mem *mem)
{
	return swiotlb_lend_may_grow(swiotlb_lender.pool == &mem->defpool,
				     atomic_long_read(&swiotlb_lender.lent),
				     reclaimer_ready() &&
				     !pool_backoff_left(jiffies));
}

/**
 * swiotlb_lend_waits() - how many mappings have waited for slots
 *
 * Context: Any context.
 * Return: The number of mappings that waited, since boot (a dma_map_sg()
 * call counts once).
 */
unsigned long swiotlb_lend_waits(void)
{
	return atomic_long_read(&reclaimer.waits);
}

static void note_progress(void)
{
	atomic_inc(&reclaimer.progress);
	wake_up_all(&reclaimer.waitq);
}

/*
 * Give the slots of a block taken at map time to its area.  Under
 * owner_lock, against a re-lend that shrinks the area's window over the
 * lent blocks below the one it lends: this one must not be among them.
 */
static bool give_taken_block(struct io_tlb_pool *pool, unsigned int a,
			     unsigned long block)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&reclaimer.owner_lock, flags);
	/* Owner first, as in reclaim_block(). */
	swiotlb_lend_set_owner(pool, block, false);
	ret = swiotlb_area_give_slots(pool, a, swiotlb_lend_block_slot(l, block),
				      l->block_nslabs);
	if (WARN_ON_ONCE(ret))
		swiotlb_lend_set_owner(pool, block, true);
	else
		atomic_long_dec(&swiotlb_lender.lent);
	spin_unlock_irqrestore(&reclaimer.owner_lock, flags);
	if (ret)
		free_contig_range(swiotlb_lend_block_pfn(block),
				  swiotlb_lend_block_pages());
	return !ret;
}

/**
 * swiotlb_lend_take_free() - take back a lent block with no page in use
 * @dev:	Device whose mapping found no free slots.
 *
 * A lent block that nobody borrowed needs no migration: its pageblock
 * comes straight off the buddy free lists (swiotlb_take_free_pageblock()),
 * so a mapping that may not sleep gets its slots at once instead of
 * failing while the worker starts.  Areas are tried from this CPU's,
 * their lent blocks lowest first; blocks in use are left to the worker.
 * Bounded by the lendable blocks, each a lockless look at a few pages
 * (and the zone lock, tried a bounded number of times, only for a block
 * that looks free).
 *
 * Context: Any context but NMI; not in hard IRQ context on PREEMPT_RT.
 * Return: %true if a block came back: search for slots again.
 */
bool swiotlb_lend_take_free(struct device *dev)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct io_tlb_pool *pool = READ_ONCE(swiotlb_lender.pool);
	unsigned long n, first, block, pfn = 0;
	unsigned int i, a;
	bool taken = false;
	u64 start;

	if (!reclaimer_ready() || !atomic_long_read(&swiotlb_lender.lent) ||
	    !dev->dma_io_tlb_mem || &dev->dma_io_tlb_mem->defpool != pool ||
	    in_nmi() || (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()) ||
	    (IS_ENABLED(CONFIG_SWIOTLB_LEND_TEST) &&
	     (READ_ONCE(worker_held) == SWIOTLB_LEND_HOLD_ALL ||
	      READ_ONCE(worker_held) == SWIOTLB_LEND_HOLD_MAP_TIME)))
		return false;

	start = ktime_get_ns();
	for (i = 0; i < l->nareas && !taken; i++) {
		a = (raw_smp_processor_id() + i) % l->nareas;
		first = area_lendable(a, &n);
		for (block = first; block < first + n; block++) {
			pfn = swiotlb_lend_block_pfn(block);
			if (block_lent(block) &&
			    swiotlb_take_free_pageblock(pfn) &&
			    give_taken_block(pool, a, block)) {
				taken = true;
				break;
			}
		}
	}
	if (!taken)
		return false;

	atomic_long_inc(&reclaimer.reclaimed);
	atomic_long_inc(&reclaimer.taken_free);
	count_vm_event(SWIOTLB_LEND_RECLAIM_SUCCESS);
	trace_swiotlb_lend_reclaim(pfn, swiotlb_lend_block_pages(), 0, 0, 0,
				   ktime_get_ns() - start);
	/* Lend it again once the pool has been quiet for the grace period. */
	WRITE_ONCE(reclaimer.last_busy, jiffies);
	queue_delayed_work(reclaimer.wq, &reclaimer.relend_work,
			   msecs_to_jiffies(READ_ONCE(reclaimer.relend_delay_ms)));
	note_progress();
	return true;
}

#ifdef CONFIG_SWIOTLB_LEND_BRIDGE
/**
 * swiotlb_lend_may_bridge() - may a mapping that found no slots be bridged
 * @pool:	The pool the mapping was searched in.
 *
 * Only while blocks of the lending pool are lent: they will come back,
 * and the bridge holds the mapping until then.  With nothing lent the
 * pool has its full size, and a mapping that finds no slots fails as it
 * would in a fixed pool of that size.  Not in NMI, nor where a page
 * allocation may not run (hard IRQ context on PREEMPT_RT).
 *
 * Context: Any context.
 * Return: %true if a transient pool may bridge the mapping.
 */
bool swiotlb_lend_may_bridge(struct io_tlb_pool *pool)
{
	return pool == READ_ONCE(swiotlb_lender.pool) && reclaimer_ready() &&
	       READ_ONCE(reclaimer.bridge) &&
	       atomic_long_read(&swiotlb_lender.lent) > 0 && !in_nmi() &&
	       !(IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible());
}

/**
 * swiotlb_lend_note_bridge() - count and trace a bridge
 * @dev:	Device whose mapping found no slots.
 * @size:	Size of the mapping, with its alignment padding.
 * @bridged:	Whether a transient pool holds it now.
 *
 * Context: Any context.
 */
void swiotlb_lend_note_bridge(struct device *dev, size_t size, bool bridged)
{
	if (bridged)
		atomic_long_inc(&reclaimer.bridged);
	else
		atomic_long_inc(&reclaimer.bridge_failures);
	trace_swiotlb_lend_bridge(dev, size, bridged);
}
#endif /* CONFIG_SWIOTLB_LEND_BRIDGE */

/* Pages of a block in use: free pages have no reference, tails count. */
static unsigned long block_used_pages(unsigned long pfn)
{
	unsigned long i, used = 0;
	struct page *page;

	for (i = 0; i < swiotlb_lend_block_pages(); i++) {
		page = pfn_to_page(pfn + i);
		if (page_ref_count(page) || PageTail(page))
			used++;
	}
	return used;
}

/* Slots of an area that are free now (lockless estimate). */
static unsigned long area_free(unsigned int a)
{
	struct io_tlb_pool *pool = swiotlb_lender.pool;

	return swiotlb_area_owned(pool, a) - swiotlb_area_used(pool, a);
}

/*
 * One candidate per area below its high share that has a lent block not
 * waiting for a retry: its lowest such block.  A block that waits (it
 * failed: a page pinned, hwpoisoned, under writeback) does not hold up
 * the ones above it: those come back around it, and it stays a hole in
 * the area's window.  *@waiting tells whether an area had a lent block
 * waiting and nothing else to offer, and *@retry_in how soon the first of
 * those may be tried again.
 */
static unsigned int collect_candidates(bool *waiting, unsigned long *retry_in)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	unsigned long high = READ_ONCE(swiotlb_lend_area_high);
	unsigned long free, block, first, nblocks, left, delay, soonest;
	unsigned long now = jiffies;
	unsigned int a, n = 0;
	bool held;

	*waiting = false;
	for (a = 0; a < l->nareas; a++) {
		free = area_free(a);
		if (free >= high)
			continue;
		first = area_lendable(a, &nblocks);
		held = false;
		soonest = 0;
		for (block = first; block < first + nblocks; block++) {
			if (!block_lent(block))
				continue;
			delay = swiotlb_lend_retry_delay(reclaimer.fails[block]);
			left = swiotlb_lend_time_left(now, reclaimer.failed_at[block],
						      delay);
			if (!left)
				break;
			if (!held || left < soonest)
				soonest = left;
			held = true;
		}
		if (block >= first + nblocks) {
			if (held && (!*waiting || soonest < *retry_in))
				*retry_in = soonest;
			*waiting |= held;
			/* Kicks from this area are pointless until then. */
			if (held) {
				WRITE_ONCE(reclaimer.backoff[a].start, now);
				WRITE_ONCE(reclaimer.backoff[a].len, soonest);
			}
			continue;
		}
		WRITE_ONCE(reclaimer.backoff[a].len, 0);
		reclaimer.cand[n].area = a;
		reclaimer.cand[n].block = block;
		reclaimer.cand[n].area_free = free;
		reclaimer.cand[n].used_pages =
			block_used_pages(swiotlb_lend_block_pfn(block));
		n++;
	}
	return n;
}

/*
 * Migrate the pages out of a lent block and take it from the page
 * allocator.  The worker exists to unblock I/O waiting for bounce slots,
 * so nothing on its way may wait for I/O: no direct reclaim at all (swap
 * out would need slots, and filesystem shrinkers may write and wait), only
 * kswapd woken.  __GFP_FS stays: without it compaction isolates no page
 * cache, and a block holding any would never come back.  The pages in use
 * go to free memory, which block_may_take_back() checked is there, and
 * clean page cache in the block is dropped rather than migrated.
 * Migration targets are __GFP_RETRY_MAYFAIL (alloc_contig_range() sets
 * it): taking a block back never calls the OOM killer.
 */
static int take_block_pages(unsigned long pfn, unsigned long nr_pages,
			    gfp_t *gfp)
{
	*gfp = __GFP_FS | __GFP_KSWAPD_RECLAIM | __GFP_NOWARN;
	return alloc_contig_range(pfn, pfn + nr_pages, MIGRATE_SWIOTLB, *gfp);
}

/*
 * Take one lent block back and give its slots to its area.  The first
 * block of a run that needs alloc_contig_range() disables the per-CPU LRU
 * caches until the end of the run (*lru_held): alloc_contig_range()
 * disables them for each block and waits for every CPU to drain them, up
 * to a tick for a CPU busy mapping the burst that woke us.  Nested in
 * the run's hold, its call finds them drained (lru_cache_disable()).  A
 * run that takes nothing that way (no room, blocks taken meanwhile) does
 * not disturb every CPU.
 */
static int reclaim_block(const struct swiotlb_lend_candidate *c,
			 bool *lru_held)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long pfn = swiotlb_lend_block_pfn(c->block);
	unsigned long nr_pages = swiotlb_lend_block_pages();
	u64 start = ktime_get_ns(), ns;
	gfp_t gfp = 0;
	int ret;

	if (!block_lent(c->block))
		return -EAGAIN;		/* taken at map time since */
	if (block_may_take_back(pfn, c->used_pages)) {
		if (!*lru_held) {
			lru_cache_disable();
			*lru_held = true;
		}
		ret = take_block_pages(pfn, nr_pages, &gfp);
	} else {
		ret = -ENOMEM;
	}
	if (!ret) {
		/* Owner first: no address of the block is a lent page now. */
		swiotlb_lend_set_owner(pool, c->block, false);
		ret = swiotlb_area_give_slots(pool, c->area,
					      swiotlb_lend_block_slot(l, c->block),
					      l->block_nslabs);
		if (WARN_ON_ONCE(ret)) {
			swiotlb_lend_set_owner(pool, c->block, true);
			free_contig_range(pfn, nr_pages);
		}
	}
	/*
	 * swiotlb_lend_take_free() took the block meanwhile: its pages were
	 * all free, and alloc_contig_range() found them in use.  (Taken but
	 * not yet given, it counts as a failure: a rare race.)
	 */
	if (ret && !block_lent(c->block))
		return -EAGAIN;
	ns = ktime_get_ns() - start;
	trace_swiotlb_lend_reclaim(pfn, nr_pages, c->used_pages, gfp, ret, ns);

	if (ret) {
		reclaimer.failed_at[c->block] = jiffies;
		/*
		 * No room for the block's pages is the system's state, not
		 * the block's, and memory churns: try again after the
		 * shortest delay rather than backing off for up to a second
		 * while mappings could still wait.
		 */
		if (ret == -ENOMEM) {
			reclaimer.fails[c->block] = 1;
			atomic_long_inc(&reclaimer.no_room);
		} else if (reclaimer.fails[c->block] < U8_MAX) {
			reclaimer.fails[c->block]++;
		}
		atomic_long_inc(&reclaimer.failed);
		count_vm_event(SWIOTLB_LEND_RECLAIM_FAIL);
		pr_warn_ratelimited("cannot take back the block at pfn %#lx (%lu pages in use): %d; trying others\n",
				    pfn, c->used_pages, ret);
		return ret;
	}
	reclaimer.fails[c->block] = 0;
	atomic_long_dec(&swiotlb_lender.lent);
	atomic_long_inc(&reclaimer.reclaimed);
	count_vm_event(SWIOTLB_LEND_RECLAIM_SUCCESS);
	WRITE_ONCE(reclaimer.last_ns, ns);
	if (ns > reclaimer.max_ns)
		WRITE_ONCE(reclaimer.max_ns, ns);
	return 0;
}

/* Is an area that still has lent blocks below its share of the low mark? */
static bool area_below_low(void)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	unsigned int a;

	for (a = 0; a < l->nareas; a++)
		if (area_has_lent(a) && area_free(a) < READ_ONCE(reclaimer.area_low))
			return true;
	return false;
}

static void reclaim_work_fn(struct work_struct *work)
{
	unsigned long i, reclaimed = 0, retry_in = 0;
	bool waiting = false, lru_held = false;
	unsigned int n;
	int pick;

	if (!reclaimer_ready() ||
	    (IS_ENABLED(CONFIG_SWIOTLB_LEND_TEST) &&
	     (READ_ONCE(worker_held) == SWIOTLB_LEND_HOLD_ALL ||
	      READ_ONCE(worker_held) == SWIOTLB_LEND_HOLD_WORKER)))
		return;

	mutex_lock(&reclaimer.lock);
	WRITE_ONCE(reclaimer.state, WORKER_RECLAIMING);
	/* Migration targets go to regular memory, not the next lent block. */
	swiotlb_lend_pause_borrowing();
	/* Each round takes a block back or puts one on hold: bounded. */
	for (i = 0; i < swiotlb_lender.lendable; i++) {
		n = collect_candidates(&waiting, &retry_in);
		pick = swiotlb_lend_pick_block(reclaimer.cand, n);
		if (pick < 0)
			break;
		if (!reclaim_block(&reclaimer.cand[pick], &lru_held)) {
			reclaimed++;
			note_progress();
		}
		cond_resched();
	}
	if (lru_held)
		lru_cache_enable();
	swiotlb_lend_resume_borrowing();
	if (!reclaimed && waiting) {
		/*
		 * The areas that needed a block back off until one may be
		 * tried again (collect_candidates()).  An area below its low
		 * share then gets a look without a kick: the mappings that
		 * took it there may all have been made meanwhile, and kick no
		 * more.  Above the low share nothing is urgent, and an idle
		 * pool does not wake the worker.
		 */
		WRITE_ONCE(reclaimer.state, WORKER_BACKOFF);
		if (area_below_low())
			queue_delayed_work(reclaimer.wq, &reclaimer.reclaim_work,
					   retry_in);
	} else {
		WRITE_ONCE(reclaimer.state, WORKER_IDLE);
	}
	if (reclaimed) {
		WRITE_ONCE(reclaimer.last_busy, jiffies);
		queue_delayed_work(reclaimer.wq, &reclaimer.relend_work,
				   msecs_to_jiffies(READ_ONCE(reclaimer.relend_delay_ms)));
	}
	mutex_unlock(&reclaimer.lock);
	/*
	 * Waiters learn at once of a block back or of a backoff (they stop
	 * waiting if it outlasts them).  A run that found nothing to do
	 * wakes nobody: they would search, kick and be woken again at once
	 * for as long as they may wait; they look again after their slice.
	 */
	if (reclaimed || waiting)
		note_progress();
}

/* Area-relative slot where block @block of area @a begins (or ends, +1). */
static unsigned int area_block_slot(unsigned int a, unsigned long block)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;

	return swiotlb_lend_block_first(l, block) - a * l->area_nslabs;
}

/* The highest block of an area that may be lent again, or ULONG_MAX. */
static unsigned long top_relendable(unsigned int a)
{
	unsigned long n, first = area_lendable(a, &n), block;

	for (block = first + n; block > first; block--)
		if (block_relendable(block - 1))
			return block - 1;
	return ULONG_MAX;
}

/*
 * Lend a block of an area again if its slots are all free.  The area's
 * window ends after its highest owned block: lending that one shrinks the
 * window over the lent blocks (holes) right below it, so that searches do
 * not walk them; lending one below a kept block leaves a hole.
 */
static int relend_block(unsigned int a, unsigned long block)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long pfn = swiotlb_lend_block_pfn(block);
	unsigned long nr_pages = swiotlb_lend_block_pages();
	unsigned long n, first = area_lendable(a, &n), top, below, flags;
	int ret;

	/*
	 * The window ends below the lent blocks under the top one: none of
	 * them may be given back (swiotlb_lend_take_free()) until the
	 * window has shrunk and @block is lent.
	 */
	spin_lock_irqsave(&reclaimer.owner_lock, flags);
	for (top = first + n; top > first && block_lent(top - 1); top--)
		;
	if (top == block + 1) {
		for (below = block; below > first && block_lent(below - 1); below--)
			;
	} else {
		below = top;
	}
	ret = swiotlb_area_take_slots(pool, a, area_block_slot(a, block),
				      l->block_nslabs, area_block_slot(a, below));
	if (!ret) {
		/* Owner first: the pages may be anyone's once they are freed. */
		swiotlb_lend_set_owner(pool, block, true);
		atomic_long_inc(&swiotlb_lender.lent);
	}
	/* Failures of an earlier loan say nothing of this one. */
	reclaimer.fails[block] = 0;
	spin_unlock_irqrestore(&reclaimer.owner_lock, flags);
	if (ret)
		return ret;
	free_contig_range(pfn, nr_pages);
	atomic_long_inc(&reclaimer.relent);
	count_vm_event(SWIOTLB_LEND_RELEND);
	trace_swiotlb_lend_relend(pfn, nr_pages);
	return 0;
}

static void relend_work_fn(struct work_struct *work)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	unsigned long grace = msecs_to_jiffies(READ_ONCE(reclaimer.relend_delay_ms));
	unsigned long last_busy = READ_ONCE(reclaimer.last_busy);
	unsigned long block, i, wait, relent = 0;
	bool pending = false;
	unsigned int a;

	if (!reclaimer_ready())
		return;
	wait = swiotlb_lend_time_left(jiffies, last_busy, grace);
	if (wait) {
		queue_delayed_work(reclaimer.wq, &reclaimer.relend_work, wait + 1);
		return;
	}

	mutex_lock(&reclaimer.lock);
	WRITE_ONCE(reclaimer.state, WORKER_RELENDING);
	for (a = 0; a < l->nareas; a++) {
		for (i = 0; i < l->area_lend_nslabs / l->block_nslabs; i++) {
			block = top_relendable(a);
			if (block == ULONG_MAX)
				break;
			if (!swiotlb_lend_may_relend(area_free(a), l->block_nslabs,
						     READ_ONCE(swiotlb_lend_area_high)) ||
			    relend_block(a, block))
				break;
			relent++;
		}
		if (top_relendable(a) != ULONG_MAX)
			pending = true;
	}
	/*
	 * The pages went to per-CPU lists one by one: put them in the buddy
	 * lists, where they count as free lent pages, as at boot.
	 */
	if (relent)
		drain_all_pages(NULL);
	WRITE_ONCE(reclaimer.state, WORKER_IDLE);
	/* Blocks still in use or needed: look again after another period. */
	if (pending)
		queue_delayed_work(reclaimer.wq, &reclaimer.relend_work, grace);
	mutex_unlock(&reclaimer.lock);
}

static void set_wmarks(unsigned long low, unsigned long high)
{
	unsigned int nareas = swiotlb_lender.layout.nareas;

	WRITE_ONCE(reclaimer.wmark_low, low);
	WRITE_ONCE(reclaimer.wmark_high, high);
	WRITE_ONCE(reclaimer.area_low, swiotlb_lend_area_share(low, nareas));
	WRITE_ONCE(swiotlb_lend_area_high, swiotlb_lend_area_share(high, nareas));
	/*
	 * Busy: an area that could not lend a block again.  Below the high
	 * share alone is too little where a block is most of the pool (a
	 * phone's 2 MiB base and 32 MiB block): a burst through the reserve
	 * then never counted as busy, and the block was lent again 0.79 s
	 * after it, in a grace period of 2 s.
	 */
	WRITE_ONCE(swiotlb_lend_area_busy, swiotlb_lend_area_share(high, nareas) +
		   swiotlb_lender.layout.block_nslabs);
}

static int __init swiotlb_lend_reclaim_init(void)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct workqueue_struct *wq;

	if (!swiotlb_lender.pool)
		return 0;

	mutex_init(&reclaimer.lock);
	init_waitqueue_head(&reclaimer.waitq);
	INIT_DELAYED_WORK(&reclaimer.reclaim_work, reclaim_work_fn);
	INIT_DELAYED_WORK(&reclaimer.relend_work, relend_work_fn);
	reclaimer.cand = kcalloc(l->nareas, sizeof(*reclaimer.cand), GFP_KERNEL);
	reclaimer.failed_at = kcalloc(swiotlb_lend_nblocks(),
				      sizeof(*reclaimer.failed_at), GFP_KERNEL);
	reclaimer.fails = kcalloc(swiotlb_lend_nblocks(),
				  sizeof(*reclaimer.fails), GFP_KERNEL);
	reclaimer.backoff = kcalloc(l->nareas, sizeof(*reclaimer.backoff),
				    GFP_KERNEL);
	/*
	 * Freezable: no block changes hands while devices are suspended or
	 * a hibernation image is made; kicks meanwhile run after thaw.
	 */
	wq = alloc_workqueue("swiotlb_lend",
			     WQ_UNBOUND | WQ_MEM_RECLAIM | WQ_FREEZABLE, 1);
	if (!reclaimer.cand || !reclaimer.failed_at || !reclaimer.fails ||
	    !reclaimer.backoff ||
	    !wq) {
		kfree(reclaimer.cand);
		kfree(reclaimer.failed_at);
		kfree(reclaimer.fails);
		kfree(reclaimer.backoff);
		if (wq)
			destroy_workqueue(wq);
		pr_err("no memory for the reclaim worker: the reserve stays lent\n");
		return -ENOMEM;
	}
	reclaimer.last_busy = jiffies;
	/* Default watermarks: see Documentation/core-api/swiotlb-lend.rst. */
	set_wmarks(l->base_nslabs / 8, l->base_nslabs / 2);
	/* Pairs with smp_load_acquire() in reclaimer_ready(). */
	smp_store_release(&reclaimer.wq, wq);
	return 0;
}
postcore_initcall(swiotlb_lend_reclaim_init);

#ifdef CONFIG_DEBUG_FS

static int wmark_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(unsigned long *)data);
	return 0;
}

static int wmark_set(void *data, u64 val)
{
	unsigned long low, high;
	int ret;

	if (val > ULONG_MAX)
		return -EINVAL;
	mutex_lock(&reclaimer.lock);
	low = reclaimer.wmark_low;
	high = reclaimer.wmark_high;
	if (data == &reclaimer.wmark_low)
		low = val;
	else
		high = val;
	ret = swiotlb_lend_check_wmarks(low, high,
					swiotlb_lender.layout.base_nslabs);
	if (!ret)
		set_wmarks(low, high);
	mutex_unlock(&reclaimer.lock);
	if (!ret)
		swiotlb_lend_kick();
	return ret;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_wmark, wmark_get, wmark_set, "%llu\n");

static int relend_delay_get(void *data, u64 *val)
{
	*val = READ_ONCE(reclaimer.relend_delay_ms);
	return 0;
}

static int relend_delay_set(void *data, u64 val)
{
	if (val < RELEND_DELAY_MS_MIN || val > RELEND_DELAY_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(reclaimer.relend_delay_ms, val);
	mod_delayed_work(reclaimer.wq, &reclaimer.relend_work, 0);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_relend_delay, relend_delay_get, relend_delay_set,
			 "%llu\n");

static int wait_ms_get(void *data, u64 *val)
{
	*val = READ_ONCE(reclaimer.wait_ms);
	return 0;
}

static int wait_ms_set(void *data, u64 val)
{
	if (val > WAIT_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(reclaimer.wait_ms, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_wait_ms, wait_ms_get, wait_ms_set, "%llu\n");

static int bridge_get(void *data, u64 *val)
{
	*val = READ_ONCE(reclaimer.bridge);
	return 0;
}

static int bridge_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(reclaimer.bridge, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(fops_bridge, bridge_get, bridge_set, "%llu\n");

static int reclaim_latency_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%llu %llu\n",
		   div_u64(READ_ONCE(reclaimer.last_ns), NSEC_PER_USEC),
		   div_u64(READ_ONCE(reclaimer.max_ns), NSEC_PER_USEC));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(reclaim_latency);

static const char * const worker_state_names[] = {
	[WORKER_IDLE]		= "idle",
	[WORKER_RECLAIMING]	= "reclaiming",
	[WORKER_RELENDING]	= "relending",
	[WORKER_BACKOFF]	= "backoff",
};

static int worker_show(struct seq_file *m, void *v)
{
	seq_printf(m, "state: %s\n",
		   worker_state_names[READ_ONCE(reclaimer.state)]);
	seq_printf(m, "lent_blocks: %ld\n",
		   atomic_long_read(&swiotlb_lender.lent));
	seq_printf(m, "lendable_blocks: %lu\n", swiotlb_lender.lendable);
	seq_printf(m, "reclaimed: %ld\n", atomic_long_read(&reclaimer.reclaimed));
	seq_printf(m, "taken_free: %ld\n",
		   atomic_long_read(&reclaimer.taken_free));
	seq_printf(m, "failed: %ld\n", atomic_long_read(&reclaimer.failed));
	seq_printf(m, "no_room: %ld\n", atomic_long_read(&reclaimer.no_room));
	seq_printf(m, "relent: %ld\n", atomic_long_read(&reclaimer.relent));
	seq_printf(m, "waits: %ld\n", atomic_long_read(&reclaimer.waits));
	seq_printf(m, "wait_failures: %ld\n",
		   atomic_long_read(&reclaimer.wait_failures));
	if (IS_ENABLED(CONFIG_SWIOTLB_LEND_BRIDGE)) {
		seq_printf(m, "bridged: %ld\n",
			   atomic_long_read(&reclaimer.bridged));
		seq_printf(m, "bridge_failures: %ld\n",
			   atomic_long_read(&reclaimer.bridge_failures));
		seq_printf(m, "bridge_lookup: %d\n",
			   swiotlb_bridge_lookup_state());
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(worker);

/**
 * swiotlb_lend_reclaim_create_debugfs() - reclaim files in swiotlb's dir
 * @dir:	/sys/kernel/debug/swiotlb.
 *
 * Context: Process context.
 */
void swiotlb_lend_reclaim_create_debugfs(struct dentry *dir)
{
	if (!reclaimer_ready())
		return;
	debugfs_create_file_unsafe("lend_wmark_low", 0600, dir,
				   &reclaimer.wmark_low, &fops_wmark);
	debugfs_create_file_unsafe("lend_wmark_high", 0600, dir,
				   &reclaimer.wmark_high, &fops_wmark);
	debugfs_create_file_unsafe("lend_relend_delay_ms", 0600, dir, NULL,
				   &fops_relend_delay);
	debugfs_create_file_unsafe("lend_wait_ms", 0600, dir, NULL,
				   &fops_wait_ms);
	if (IS_ENABLED(CONFIG_SWIOTLB_LEND_BRIDGE))
		debugfs_create_file_unsafe("lend_bridge", 0600, dir, NULL,
					   &fops_bridge);
	debugfs_create_file("lend_reclaim_latency_us", 0400, dir, NULL,
			    &reclaim_latency_fops);
	debugfs_create_file("lend_worker", 0400, dir, NULL, &worker_fops);
}

#else /* !CONFIG_DEBUG_FS */

void swiotlb_lend_reclaim_create_debugfs(struct dentry *dir)
{
}

#endif /* CONFIG_DEBUG_FS */
