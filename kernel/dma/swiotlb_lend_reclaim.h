/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb lending: taking lent blocks back on demand and lending them
 * again at idle.  Interface between the slot allocator (swiotlb.c) and
 * the reclaim worker (swiotlb_lend_reclaim.c).  Private to kernel/dma.
 */
#ifndef _KERNEL_DMA_SWIOTLB_LEND_RECLAIM_H
#define _KERNEL_DMA_SWIOTLB_LEND_RECLAIM_H

#include <linux/compiler.h>
#include <linux/sched.h>
#include <linux/swiotlb.h>
#include <linux/types.h>

struct dentry;
struct device;

/**
 * struct swiotlb_lend_candidate - a lent block the worker may take back
 * @area:	Area the block would join.
 * @block:	Block index in the pool.
 * @area_free:	Free slots of that area now.
 * @used_pages:	Pages of the block in use, which reclaim has to migrate.
 */
struct swiotlb_lend_candidate {
	unsigned int area;
	unsigned long block;
	unsigned long area_free;
	unsigned long used_pages;
};

/* Slot allocator primitives, in swiotlb.c. */
unsigned long swiotlb_area_used(struct io_tlb_pool *pool,
				unsigned int area_index);
#ifdef CONFIG_SWIOTLB_LEND_BRIDGE
void swiotlb_want_bridging(void);
bool swiotlb_bridge_lookup_ready(void);
int swiotlb_bridge_lookup_state(void);
#else
static inline void swiotlb_want_bridging(void)
{
}

static inline bool swiotlb_bridge_lookup_ready(void)
{
	return false;
}

static inline int swiotlb_bridge_lookup_state(void)
{
	return 0;
}
#endif

#ifdef CONFIG_SWIOTLB_LEND

/* Per-area share of the high watermark; 0 until the worker is up. */
extern unsigned int swiotlb_lend_area_high;
/*
 * Free slots below which an area could not lend a block again: its share
 * of the high watermark plus a block.  0 until the worker is up.
 */
extern unsigned int swiotlb_lend_area_busy;

int swiotlb_lend_check_wmarks(unsigned long low, unsigned long high,
			      unsigned long base_nslabs);
unsigned int swiotlb_lend_area_share(unsigned long wmark, unsigned int nareas);
int swiotlb_lend_pick_block(const struct swiotlb_lend_candidate *cand,
			    unsigned int n);
bool swiotlb_lend_may_take_back(unsigned long free, unsigned long reclaimable,
				unsigned long used, unsigned long min);
bool swiotlb_lend_may_relend(unsigned long area_free,
			     unsigned long block_nslabs,
			     unsigned long area_high);
unsigned long swiotlb_lend_time_left(unsigned long now, unsigned long start,
				     unsigned long span);
unsigned long swiotlb_lend_retry_delay(unsigned int fails);

void __swiotlb_lend_note_free(unsigned int area, unsigned int area_free);
void swiotlb_lend_kick(void);
void swiotlb_lend_want_bridges(void);
bool swiotlb_lend_wait_helps(bool lends, long lent, unsigned long backoff_left,
			     unsigned long wait_left);
bool swiotlb_lend_wait(struct device *dev, unsigned long *deadline);
bool swiotlb_lend_take_free(struct device *dev);
bool swiotlb_lend_may_bridge(struct io_tlb_pool *pool);
void swiotlb_lend_note_bridge(struct device *dev, size_t size, bool bridged);
bool swiotlb_lend_may_grow(bool lends, long lent, bool worker_helps);
bool swiotlb_lend_mem_may_grow(struct io_tlb_mem *mem);
unsigned long swiotlb_lend_waits(void);
void swiotlb_lend_reclaim_create_debugfs(struct dentry *dir);

/* What the test driver's hold_worker holds (CONFIG_SWIOTLB_LEND_TEST). */
enum swiotlb_lend_hold {
	SWIOTLB_LEND_HOLD_NONE,
	SWIOTLB_LEND_HOLD_ALL,		/* every take-back */
	SWIOTLB_LEND_HOLD_WORKER,	/* the worker's, not swiotlb_lend_take_free() */
	SWIOTLB_LEND_HOLD_MAP_TIME,	/* swiotlb_lend_take_free()'s, not the worker's */
};

void swiotlb_lend_hold_worker(enum swiotlb_lend_hold hold);

/**
 * swiotlb_lend_map_deadline() - the deadline a sleepable mapping waits by
 * @own:	The mapping's own deadline, 0 before it first waits.
 *
 * Inside dma_map_sg() (swiotlb_lend_map_begin()) every entry shares the
 * call's deadline.
 *
 * Context: Process context.
 * Return: The deadline to pass to swiotlb_lend_wait().
 */
static inline unsigned long *swiotlb_lend_map_deadline(unsigned long *own)
{
	return current->swiotlb_lend_deadline ?: own;
}

/**
 * swiotlb_lend_note_free() - tell the worker how many slots an area has left
 * @pool:	Pool of the area.
 * @area:	Index of the area.
 * @area_free:	Free slots of the area after a mapping.
 *
 * One comparison when the area could lend a block again (its share of
 * the high watermark and a block free), which is the common case; below
 * that the worker hears of it: the grace period before lending again
 * starts over.
 *
 * Context: Any context but NMI; no locks taken unless the worker or the
 * bridge lookup must be queued.
 */
static inline void swiotlb_lend_note_free(struct io_tlb_pool *pool,
					  unsigned int area,
					  unsigned int area_free)
{
	if (pool->lent_blocks &&
	    unlikely(area_free < READ_ONCE(swiotlb_lend_area_busy)))
		__swiotlb_lend_note_free(area, area_free);
}

#else /* !CONFIG_SWIOTLB_LEND */

static inline void swiotlb_lend_note_free(struct io_tlb_pool *pool,
					  unsigned int area,
					  unsigned int area_free)
{
}

static inline void swiotlb_lend_kick(void)
{
}

static inline void swiotlb_lend_want_bridges(void)
{
}

static inline unsigned long *swiotlb_lend_map_deadline(unsigned long *own)
{
	return own;
}

static inline bool swiotlb_lend_mem_may_grow(struct io_tlb_mem *mem)
{
	return true;
}

static inline bool swiotlb_lend_take_free(struct device *dev)
{
	return false;
}

static inline bool swiotlb_lend_wait(struct device *dev,
				     unsigned long *deadline)
{
	return false;
}

static inline unsigned long swiotlb_lend_waits(void)
{
	return 0;
}

static inline void swiotlb_lend_reclaim_create_debugfs(struct dentry *dir)
{
}

#endif /* CONFIG_SWIOTLB_LEND */

#endif /* _KERNEL_DMA_SWIOTLB_LEND_RECLAIM_H */
