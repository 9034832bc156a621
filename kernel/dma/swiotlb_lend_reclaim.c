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
 * Within an area the lent blocks stay contiguous at its top, so the slot
 * search never walks over a lent block: each area offers one candidate,
 * its lowest lent block, and the worker takes the candidate with the
 * fewest pages in use.  A block that fails (a pinned page, writeback,
 * direct I/O) is retried after a delay that grows with each failure;
 * meanwhile the blocks above it in its area stay lent and the worker
 * moves on to the other areas.
 *
 * Re-lending takes an area's top owned block, if all its slots are free,
 * out of the slot allocator and frees its pages to the page allocator as
 * MIGRATE_SWIOTLB again, as long as the area keeps a block's worth of
 * slots above its share of the high watermark.  Between the watermarks
 * nothing moves: that is the hysteresis.
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
#include <linux/seq_file.h>
#include <linux/slab.h>
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

static const char * const worker_state_names[] = {
	[WORKER_IDLE]		= "idle",
	[WORKER_RECLAIMING]	= "reclaiming",
	[WORKER_RELENDING]	= "relending",
	[WORKER_BACKOFF]	= "backoff",
};

/**
 * struct swiotlb_lend_reclaimer - reclaim and re-lend state
 * @wq:			Unbound workqueue with a rescuer (WQ_MEM_RECLAIM).
 * @reclaim_work:	Takes lent blocks back; queued by kicks, and again when
 *			a backoff ends.
 * @relend_work:	Lends blocks again after the grace period.
 * @lock:		Serializes reclaim and re-lend.
 * @waitq:		Sleepable mappings waiting for slots.
 * @progress:		Bumped whenever the worker may have freed slots.
 * @cand:		Candidate blocks, one per area (under @lock).
 * @retry_after:	Per block: jiffies before which it is not tried again,
 *			0 if it has not failed (under @lock).
 * @fails:		Per block: failures in a row (under @lock).
 * @wmark_low:		Low watermark, free slots in the pool.
 * @wmark_high:		High watermark, free slots in the pool.
 * @area_low:		Per-area share of @wmark_low.
 * @relend_delay_ms:	Grace period above the high watermark.
 * @wait_ms:		Longest wait of a sleepable mapping.
 * @last_busy:		Last time (jiffies) an area was below its high share.
 * @backoff_until:	Kicks are ignored until then.
 * @state:		What the worker does now.
 * @last_ns:		Duration of the last successful reclaim of a block.
 * @max_ns:		Longest successful reclaim of a block.
 * @reclaimed:		Blocks taken back.
 * @failed:		Blocks that could not be taken back.
 * @relent:		Blocks lent again.
 * @waits:		Mappings that waited.
 * @wait_failures:	Mappings that waited and failed anyway.
 */
struct swiotlb_lend_reclaimer {
	struct workqueue_struct *wq;
	struct delayed_work reclaim_work;
	struct delayed_work relend_work;
	struct mutex lock;		/* one of reclaim or re-lend at a time */
	wait_queue_head_t waitq;
	atomic_t progress;
	struct swiotlb_lend_candidate *cand;
	unsigned long *retry_after;
	u8 *fails;
	unsigned long wmark_low;
	unsigned long wmark_high;
	unsigned int area_low;
	unsigned int relend_delay_ms;
	unsigned int wait_ms;
	unsigned long last_busy;
	unsigned long backoff_until;
	enum worker_state state;
	u64 last_ns;
	u64 max_ns;
	atomic_long_t reclaimed;
	atomic_long_t failed;
	atomic_long_t relent;
	atomic_long_t waits;
	atomic_long_t wait_failures;
};

static struct swiotlb_lend_reclaimer reclaimer = {
	.relend_delay_ms = RELEND_DELAY_MS_DEFAULT,
	.wait_ms = WAIT_MS_DEFAULT,
};

unsigned int swiotlb_lend_area_high;

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
 * swiotlb_lend_quiet_wait() - how long until the pool has been quiet enough
 * @now:	jiffies now.
 * @last_busy:	jiffies when an area was last below its high share.
 * @grace:	The grace period, in jiffies.
 *
 * Unsigned arithmetic, so that a jiffies wrap (early on 32-bit, where
 * jiffies start 5 minutes before their wrap) never turns into a wait of
 * days; a @last_busy a tick ahead of @now (a racing map) counts as quiet,
 * the re-lend checks the free slots anyway.
 *
 * Context: Any context.
 * Return: 0 if the pool has been quiet for @grace, or the jiffies left
 * until then (at most @grace).
 */
unsigned long swiotlb_lend_quiet_wait(unsigned long now,
				      unsigned long last_busy,
				      unsigned long grace)
{
	unsigned long since = now - last_busy;

	return since < grace ? grace - since : 0;
}

/* True once the worker is set up for the default pool. */
static bool reclaimer_ready(void)
{
	/* Pairs with smp_store_release() in swiotlb_lend_reclaim_init(). */
	return smp_load_acquire(&reclaimer.wq);
}

/**
 * swiotlb_lend_kick() - queue the reclaim worker, unless it backs off
 *
 * Context: Any context, hard IRQ included.
 */
void swiotlb_lend_kick(void)
{
	/* Pairs with smp_store_release() in swiotlb_lend_reclaim_init(). */
	struct workqueue_struct *wq = smp_load_acquire(&reclaimer.wq);

	if (!wq || !atomic_long_read(&swiotlb_lender.lent))
		return;
	if (time_before(jiffies, READ_ONCE(reclaimer.backoff_until)))
		return;
	queue_delayed_work(wq, &reclaimer.reclaim_work, 0);
}

/**
 * __swiotlb_lend_note_free() - an area fell below its high share
 * @area_free:	Free slots of the area.
 *
 * Context: Any context, hard IRQ included.
 */
void __swiotlb_lend_note_free(unsigned int area_free)
{
	unsigned long now = jiffies;

	/* Write only when the value changes: the line stays shared. */
	if (READ_ONCE(reclaimer.last_busy) != now)
		WRITE_ONCE(reclaimer.last_busy, now);
	if (area_free < READ_ONCE(reclaimer.area_low))
		swiotlb_lend_kick();
}

/**
 * swiotlb_lend_wait() - wait a little for the worker to free slots
 * @deadline:	0 on the first call for a mapping; kept across calls.
 *
 * For mappings made with %DMA_ATTR_MAY_SLEEP that found no free slots:
 * queue the worker and sleep until it makes progress or a short slice
 * passes (other mappings may be released meanwhile); the caller searches
 * again after each call.  The whole wait is bounded by lend_wait_ms.
 *
 * Context: Process context, may sleep.
 * Return: %true if the caller should search again, %false once the
 * mapping should fail.
 */
bool swiotlb_lend_wait(unsigned long *deadline)
{
	long left;
	int seen;

	might_sleep();
	if (!reclaimer_ready())
		return false;
	if (!*deadline) {
		unsigned int ms = READ_ONCE(reclaimer.wait_ms);

		if (!ms)
			return false;
		*deadline = jiffies + msecs_to_jiffies(ms);
		atomic_long_inc(&reclaimer.waits);
	}
	left = (long)(*deadline - jiffies);
	if (left <= 0) {
		atomic_long_inc(&reclaimer.wait_failures);
		return false;
	}
	seen = atomic_read(&reclaimer.progress);
	swiotlb_lend_kick();
	wait_event_timeout(reclaimer.waitq,
			   atomic_read(&reclaimer.progress) != seen,
			   min_t(long, left, WAIT_SLICE));
	return true;
}

/**
 * swiotlb_lend_waits() - how many mappings have waited for slots
 *
 * Context: Any context.
 * Return: The number of mappings that waited, since boot.
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

static bool block_in_one_zone(unsigned long pfn)
{
	return page_zone(pfn_to_page(pfn)) ==
	       page_zone(pfn_to_page(pfn + swiotlb_lend_block_pages() - 1));
}

/* Slots of an area that are free now (lockless estimate). */
static unsigned long area_free(unsigned int a)
{
	struct io_tlb_pool *pool = swiotlb_lender.pool;

	return swiotlb_area_limit(pool, a) - swiotlb_area_used(pool, a);
}

/* First slot of the area's lendable reserve, area-relative. */
static unsigned long area_base_nslabs(void)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;

	return l->area_nslabs - l->area_lend_nslabs;
}

/*
 * One candidate per area below its high share that has a lent block not
 * waiting for a retry: its lowest lent block.  *@waiting tells whether an
 * area needed a block that is waiting, and *@retry when the first of
 * those may be tried again.
 */
static unsigned int collect_candidates(bool *waiting, unsigned long *retry_at)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long high = READ_ONCE(swiotlb_lend_area_high);
	unsigned long limit, free, block, retry;
	unsigned int a, n = 0;

	*waiting = false;
	for (a = 0; a < l->nareas; a++) {
		limit = swiotlb_area_limit(pool, a);
		free = area_free(a);
		if (free >= high || limit >= l->area_nslabs)
			continue;
		block = (a * l->area_nslabs + limit) / l->block_nslabs;
		if (WARN_ON_ONCE(!test_bit(block, pool->lent_blocks)))
			continue;
		retry = reclaimer.retry_after[block];
		if (retry && time_before(jiffies, retry)) {
			if (!*waiting || time_before(retry, *retry_at))
				*retry_at = retry;
			*waiting = true;
			continue;
		}
		reclaimer.cand[n].area = a;
		reclaimer.cand[n].block = block;
		reclaimer.cand[n].area_free = free;
		reclaimer.cand[n].used_pages =
			block_used_pages(swiotlb_lend_block_pfn(block));
		n++;
	}
	return n;
}

/* Take one lent block back and give its slots to its area. */
static int reclaim_block(const struct swiotlb_lend_candidate *c)
{
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long pfn = swiotlb_lend_block_pfn(c->block);
	unsigned long nr_pages = swiotlb_lend_block_pages();
	u64 start = ktime_get_ns(), ns;
	int ret = -EINVAL;

	if (block_in_one_zone(pfn))
		ret = alloc_contig_range(pfn, pfn + nr_pages, MIGRATE_SWIOTLB,
					 GFP_KERNEL | __GFP_NOWARN);
	if (!ret) {
		/* Owner first: no address of the block is a lent page now. */
		swiotlb_lend_set_owner(pool, c->block, false);
		ret = swiotlb_area_give_slots(pool, c->area,
					      swiotlb_lender.layout.block_nslabs);
		if (WARN_ON_ONCE(ret)) {
			swiotlb_lend_set_owner(pool, c->block, true);
			free_contig_range(pfn, nr_pages);
		}
	}
	ns = ktime_get_ns() - start;
	trace_swiotlb_lend_reclaim(pfn, nr_pages, c->used_pages, ret, ns);

	if (ret) {
		u8 fails = reclaimer.fails[c->block];

		reclaimer.retry_after[c->block] =
			(jiffies + min(RECLAIM_RETRY_MIN << fails,
				       RECLAIM_RETRY_MAX)) ?: 1;
		if (RECLAIM_RETRY_MIN << fails < RECLAIM_RETRY_MAX)
			reclaimer.fails[c->block] = fails + 1;
		atomic_long_inc(&reclaimer.failed);
		count_vm_event(SWIOTLB_LEND_RECLAIM_FAIL);
		pr_warn_ratelimited("cannot take back the block at pfn %#lx (%lu pages in use): %d; trying others\n",
				    pfn, c->used_pages, ret);
		return ret;
	}
	reclaimer.retry_after[c->block] = 0;
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
		if (swiotlb_area_limit(swiotlb_lender.pool, a) < l->area_nslabs &&
		    area_free(a) < READ_ONCE(reclaimer.area_low))
			return true;
	return false;
}

static void reclaim_work_fn(struct work_struct *work)
{
	unsigned long i, reclaimed = 0, retry_at = 0;
	bool waiting = false;
	unsigned int n;
	int pick;

	mutex_lock(&reclaimer.lock);
	WRITE_ONCE(reclaimer.state, WORKER_RECLAIMING);
	/* Each round takes a block back or puts one on hold: bounded. */
	for (i = 0; i < swiotlb_lender.lendable; i++) {
		n = collect_candidates(&waiting, &retry_at);
		pick = swiotlb_lend_pick_block(reclaimer.cand, n);
		if (pick < 0)
			break;
		if (!reclaim_block(&reclaimer.cand[pick])) {
			reclaimed++;
			note_progress();
		}
		cond_resched();
	}
	if (!reclaimed && waiting) {
		/*
		 * Kicks are pointless until a block may be tried again.  An
		 * area below its low share then gets a look without a kick:
		 * the mappings that took it there (into an area other than
		 * the one that backed off, maybe) may all have been made
		 * meanwhile, and kick no more.  Above the low share nothing
		 * is urgent, and an idle pool does not wake the worker.
		 */
		WRITE_ONCE(reclaimer.backoff_until, retry_at);
		WRITE_ONCE(reclaimer.state, WORKER_BACKOFF);
		if (area_below_low())
			queue_delayed_work(reclaimer.wq, &reclaimer.reclaim_work,
					   max_t(long, (long)(retry_at - jiffies), 1));
	} else {
		WRITE_ONCE(reclaimer.state, WORKER_IDLE);
	}
	if (reclaimed) {
		WRITE_ONCE(reclaimer.last_busy, jiffies);
		queue_delayed_work(reclaimer.wq, &reclaimer.relend_work,
				   msecs_to_jiffies(READ_ONCE(reclaimer.relend_delay_ms)));
	}
	mutex_unlock(&reclaimer.lock);
	note_progress();
}

/* Lend an area's top owned block again if its slots are all free. */
static int relend_block(unsigned int a, unsigned long block)
{
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long pfn = swiotlb_lend_block_pfn(block);
	unsigned long nr_pages = swiotlb_lend_block_pages();
	int ret;

	ret = swiotlb_area_take_slots(pool, a, swiotlb_lender.layout.block_nslabs);
	if (ret)
		return ret;
	/* Owner first: the pages may be anyone's once they are freed. */
	swiotlb_lend_set_owner(pool, block, true);
	free_contig_range(pfn, nr_pages);
	atomic_long_inc(&swiotlb_lender.lent);
	atomic_long_inc(&reclaimer.relent);
	count_vm_event(SWIOTLB_LEND_RELEND);
	trace_swiotlb_lend_relend(pfn, nr_pages);
	return 0;
}

static void relend_work_fn(struct work_struct *work)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;
	struct io_tlb_pool *pool = swiotlb_lender.pool;
	unsigned long grace = msecs_to_jiffies(READ_ONCE(reclaimer.relend_delay_ms));
	unsigned long last_busy = READ_ONCE(reclaimer.last_busy);
	unsigned long base = area_base_nslabs(), limit, i, wait;
	bool pending = false;
	unsigned int a;

	wait = swiotlb_lend_quiet_wait(jiffies, last_busy, grace);
	if (wait) {
		queue_delayed_work(reclaimer.wq, &reclaimer.relend_work, wait + 1);
		return;
	}

	mutex_lock(&reclaimer.lock);
	WRITE_ONCE(reclaimer.state, WORKER_RELENDING);
	for (a = 0; a < l->nareas; a++) {
		for (i = 0; i < l->area_lend_nslabs / l->block_nslabs; i++) {
			limit = swiotlb_area_limit(pool, a);
			if (limit <= base)
				break;
			if (!swiotlb_lend_may_relend(area_free(a), l->block_nslabs,
						     READ_ONCE(swiotlb_lend_area_high)) ||
			    relend_block(a, (a * l->area_nslabs + limit) /
					    l->block_nslabs - 1))
				break;
		}
		if (swiotlb_area_limit(pool, a) > base)
			pending = true;
	}
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
	reclaimer.retry_after = kcalloc(swiotlb_lend_nblocks(),
					sizeof(*reclaimer.retry_after),
					GFP_KERNEL);
	reclaimer.fails = kcalloc(swiotlb_lend_nblocks(),
				  sizeof(*reclaimer.fails), GFP_KERNEL);
	wq = alloc_workqueue("swiotlb_lend", WQ_UNBOUND | WQ_MEM_RECLAIM, 1);
	if (!reclaimer.cand || !reclaimer.retry_after || !reclaimer.fails ||
	    !wq) {
		kfree(reclaimer.cand);
		kfree(reclaimer.retry_after);
		kfree(reclaimer.fails);
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
	unsigned long low = reclaimer.wmark_low, high = reclaimer.wmark_high;
	int ret;

	if (val > ULONG_MAX)
		return -EINVAL;
	if (data == &reclaimer.wmark_low)
		low = val;
	else
		high = val;
	mutex_lock(&reclaimer.lock);
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

static int reclaim_latency_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%llu %llu\n",
		   div_u64(READ_ONCE(reclaimer.last_ns), NSEC_PER_USEC),
		   div_u64(READ_ONCE(reclaimer.max_ns), NSEC_PER_USEC));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(reclaim_latency);

static int worker_show(struct seq_file *m, void *v)
{
	seq_printf(m, "state: %s\n",
		   worker_state_names[READ_ONCE(reclaimer.state)]);
	seq_printf(m, "lent_blocks: %ld\n",
		   atomic_long_read(&swiotlb_lender.lent));
	seq_printf(m, "lendable_blocks: %lu\n", swiotlb_lender.lendable);
	seq_printf(m, "reclaimed: %ld\n", atomic_long_read(&reclaimer.reclaimed));
	seq_printf(m, "failed: %ld\n", atomic_long_read(&reclaimer.failed));
	seq_printf(m, "relent: %ld\n", atomic_long_read(&reclaimer.relent));
	seq_printf(m, "waits: %ld\n", atomic_long_read(&reclaimer.waits));
	seq_printf(m, "wait_failures: %ld\n",
		   atomic_long_read(&reclaimer.wait_failures));
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
	debugfs_create_file("lend_reclaim_latency_us", 0400, dir, NULL,
			    &reclaim_latency_fops);
	debugfs_create_file("lend_worker", 0400, dir, NULL, &worker_fops);
}

#else /* !CONFIG_DEBUG_FS */

void swiotlb_lend_reclaim_create_debugfs(struct dentry *dir)
{
}

#endif /* CONFIG_DEBUG_FS */
