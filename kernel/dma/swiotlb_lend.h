/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb lending: interface between the slot allocator (swiotlb.c) and
 * the lending policy (swiotlb_lend.c).  Private to kernel/dma.
 */
#ifndef _KERNEL_DMA_SWIOTLB_LEND_H
#define _KERNEL_DMA_SWIOTLB_LEND_H

#include <linux/atomic.h>
#include <linux/pfn.h>
#include <linux/swiotlb.h>
#include <linux/types.h>

struct dentry;
struct zone;

/**
 * struct swiotlb_lend_layout - shape of a default pool that lends its reserve
 * @nslabs:		Slots in the whole pool (base + reserve).
 * @nareas:		Number of areas.
 * @area_nslabs:	Slots per area, a whole number of blocks when there
 *			are several areas.
 * @area_lend_nslabs:	Lendable slots at the top of each area.
 * @head_nslabs:	Slots between the block-aligned origin of the block
 *			grid and the start of the pool (one area only).
 * @base_nslabs:	Slots that are never lent (all areas).
 * @block_nslabs:	Slots per lendable block (one pageblock).
 * @block_shift:	log2 of the block size in bytes.
 * @reserve_rounded:	The reserve is not what was asked for: rounded to whole
 *			blocks, the same number in each area.
 * @reserve_clamped:	The reserve asked for was too large and was clamped.
 * @base_rounded:	The base pool was rounded up to whole blocks per area.
 * @areas_cut:		Fewer areas than asked for.
 *
 * Each area is its base share followed by its share of the reserve, so
 * every area keeps its base capacity and its lendable slots form whole,
 * aligned pageblocks at its top.  Segments (IO_TLB_SEGSIZE) never cross a
 * block boundary because a block is a whole number of segments.  With one
 * area the base need not be whole blocks: the pool starts @head_nslabs
 * after a block boundary, so that its reserve is aligned (block b of the
 * pool begins at slot b * @block_nslabs - @head_nslabs; the blocks that
 * begin before the pool hold no reserve).
 */
struct swiotlb_lend_layout {
	unsigned long nslabs;
	unsigned int nareas;
	unsigned long area_nslabs;
	unsigned long area_lend_nslabs;
	unsigned long head_nslabs;
	unsigned long base_nslabs;
	unsigned long block_nslabs;
	unsigned int block_shift;
	bool reserve_rounded;
	bool reserve_clamped;
	bool base_rounded;
	bool areas_cut;
};

/* What swiotlb_lend= asks for */
enum swiotlb_lend_param {
	SWIOTLB_LEND_PARAM_DEFAULT,	/* absent: reserve = base pool */
	SWIOTLB_LEND_PARAM_OFF,		/* off, or bad input */
	SWIOTLB_LEND_PARAM_SIZE,	/* explicit reserve size in bytes */
};

/**
 * struct swiotlb_lend_request - what decides whether the default pool lends
 * @param:	What swiotlb_lend= asks for.
 * @reserve:	Reserve in bytes for %SWIOTLB_LEND_PARAM_SIZE.
 * @base_nslabs: Slots of the pool without lending.
 * @nareas:	Areas of the pool without lending.
 * @remap:	The architecture remaps the pool (Xen).
 * @mem_encrypt: Memory encryption is active: the pool is shared memory.
 * @kdump:	This is a crash dump kernel, living in the crashkernel= region.
 * @ram_bytes:	Memory of the machine.
 * @block_shift: log2 of the pageblock size in bytes.
 */
struct swiotlb_lend_request {
	enum swiotlb_lend_param param;
	u64 reserve;
	unsigned long base_nslabs;
	unsigned int nareas;
	bool remap;
	bool mem_encrypt;
	bool kdump;
	u64 ram_bytes;
	unsigned int block_shift;
};

/* What swiotlb_lend_decide() decides, and why not */
enum swiotlb_lend_verdict {
	SWIOTLB_LEND_YES,
	SWIOTLB_LEND_NO_OFF,		/* swiotlb_lend=off or bad input */
	SWIOTLB_LEND_NO_REMAP,		/* the architecture remaps the pool */
	SWIOTLB_LEND_NO_ENCRYPTED,	/* the pool is shared with the host */
	SWIOTLB_LEND_NO_KDUMP,		/* default reserve in a crash kernel */
	SWIOTLB_LEND_NO_SMALL_POOL,	/* default reserve below a pageblock */
	SWIOTLB_LEND_NO_BLOCK,		/* a pageblock exceeds a quarter of RAM */
};

/* What swiotlb_lend_block_verdict() decides for a reserve block */
enum swiotlb_lend_block_verdict {
	SWIOTLB_LEND_BLOCK_LEND,
	SWIOTLB_LEND_BLOCK_KEEP_DECRYPTED,	/* shared with the host */
	SWIOTLB_LEND_BLOCK_KEEP_ZONES,		/* spans two zones */
};

/* Slot allocator primitives, in swiotlb.c, called under no lock. */
int swiotlb_area_take_slots(struct io_tlb_pool *pool, unsigned int area_index,
			    unsigned int first, unsigned int nslots,
			    unsigned int limit);
int swiotlb_area_give_slots(struct io_tlb_pool *pool, unsigned int area_index,
			    unsigned int first, unsigned int nslots);
unsigned int swiotlb_area_owned(struct io_tlb_pool *pool,
				unsigned int area_index);

#if IS_ENABLED(CONFIG_KUNIT)
/* Slot allocator internals that the KUnit tests drive directly. */
void swiotlb_init_io_tlb_pool(struct io_tlb_pool *mem, phys_addr_t start,
			      void *vaddr, unsigned long nslabs,
			      bool late_alloc, unsigned int nareas);
int swiotlb_search_pool_area(struct device *dev, struct io_tlb_pool *pool,
			     int area_index, phys_addr_t orig_addr,
			     size_t alloc_size, unsigned int alloc_align_mask);
void swiotlb_release_slots(struct device *dev, phys_addr_t tlb_addr,
			   struct io_tlb_pool *mem);
#endif

#if IS_ENABLED(CONFIG_SWIOTLB_LEND_KUNIT_TEST)
int swiotlb_kunit_pool_init(struct io_tlb_pool *pool, phys_addr_t start,
			    void *vaddr, unsigned long nslabs,
			    unsigned int nareas);
void swiotlb_kunit_pool_free(struct io_tlb_pool *pool);
unsigned int swiotlb_kunit_slot_list(struct io_tlb_pool *pool,
				     unsigned int index);
unsigned long swiotlb_kunit_area_used(struct io_tlb_pool *pool,
				      unsigned int area_index);
#endif

#ifdef CONFIG_SWIOTLB_LEND

/**
 * struct swiotlb_lender - lending state of the default swiotlb pool
 * @pool:	The default pool, once it lends its reserve.
 * @layout:	Its layout.
 * @lendable:	Lendable blocks (the reserve).
 * @lent:	Blocks the page allocator owns now.
 * @kept:	Reserve blocks that can never be lent (they span two zones):
 *		swiotlb keeps them for good.
 * @active:	Lending has begun: the pool can no longer be freed.
 * @decrypted:	The pool was decrypted (shared with the host): nothing of it
 *		may be lent.
 */
struct swiotlb_lender {
	struct io_tlb_pool *pool;
	struct swiotlb_lend_layout layout;
	unsigned long lendable;
	atomic_long_t lent;
	unsigned long *kept;
	bool active;
	bool decrypted;
};

extern struct swiotlb_lender swiotlb_lender;

/* Blocks in the lending pool's block grid, lendable or not. */
static inline unsigned long swiotlb_lend_nblocks(void)
{
	const struct swiotlb_lend_layout *l = &swiotlb_lender.layout;

	return (l->head_nslabs + l->nslabs) / l->block_nslabs;
}

/* The block that holds slot @slot of the pool. */
static inline unsigned long
swiotlb_lend_slot_block(const struct swiotlb_lend_layout *l, unsigned long slot)
{
	return (l->head_nslabs + slot) / l->block_nslabs;
}

/* First slot of a lendable block, in the pool. */
static inline unsigned long
swiotlb_lend_block_first(const struct swiotlb_lend_layout *l, unsigned long block)
{
	return block * l->block_nslabs - l->head_nslabs;
}

/* Pages per block. */
static inline unsigned long swiotlb_lend_block_pages(void)
{
	return 1UL << (swiotlb_lender.layout.block_shift - PAGE_SHIFT);
}

/* Area of a block of the lending pool. */
static inline unsigned int swiotlb_lend_block_area(const struct swiotlb_lend_layout *l,
						   unsigned long block)
{
	return swiotlb_lend_block_first(l, block) / l->area_nslabs;
}

/* First slot of a block, relative to its area. */
static inline unsigned int swiotlb_lend_block_slot(const struct swiotlb_lend_layout *l,
						   unsigned long block)
{
	return swiotlb_lend_block_first(l, block) % l->area_nslabs;
}

/* First page frame of a block of the lending pool. */
static inline unsigned long swiotlb_lend_block_pfn(unsigned long block)
{
	return PHYS_PFN(swiotlb_lender.pool->lend_origin) +
	       block * swiotlb_lend_block_pages();
}

int swiotlb_lend_parse(const char *str, enum swiotlb_lend_param *param,
		       u64 *bytes);
int swiotlb_lend_compute_layout(unsigned long base_nslabs, unsigned int nareas,
				enum swiotlb_lend_param param, u64 reserve,
				u64 ram_bytes, unsigned int block_shift,
				struct swiotlb_lend_layout *layout);
enum swiotlb_lend_verdict
swiotlb_lend_decide(const struct swiotlb_lend_request *req,
		    struct swiotlb_lend_layout *layout);
bool swiotlb_lend_plan(unsigned long base_nslabs, unsigned int nareas,
		       bool remap, struct swiotlb_lend_layout *layout);
void swiotlb_lend_init_pool(struct io_tlb_pool *pool,
			    const struct swiotlb_lend_layout *layout);
void swiotlb_lend_disable(const char *why);
void swiotlb_lend_set_owner(struct io_tlb_pool *pool, unsigned long block,
			    bool lent);
int swiotlb_lend_keep_block(struct io_tlb_pool *pool,
			    const struct swiotlb_lend_layout *layout,
			    unsigned long *kept, unsigned long block);
enum swiotlb_lend_block_verdict
swiotlb_lend_block_verdict(bool decrypted, const struct zone *first,
			   const struct zone *last);
void swiotlb_lend_note_decrypted(struct io_tlb_pool *pool);
void swiotlb_lend_create_debugfs(struct dentry *dir);
unsigned long swiotlb_lend_first_lent_block(unsigned long *nr_pages);
bool swiotlb_lend_exit(struct io_tlb_pool *pool);
unsigned long swiotlb_lend_lent_nslabs(const struct io_tlb_pool *pool);

#else /* !CONFIG_SWIOTLB_LEND */

static inline bool swiotlb_lend_plan(unsigned long base_nslabs,
				     unsigned int nareas, bool remap,
				     struct swiotlb_lend_layout *layout)
{
	return false;
}

static inline void
swiotlb_lend_init_pool(struct io_tlb_pool *pool,
		       const struct swiotlb_lend_layout *layout)
{
}

static inline void swiotlb_lend_disable(const char *why)
{
}

static inline void swiotlb_lend_note_decrypted(struct io_tlb_pool *pool)
{
}

static inline void swiotlb_lend_create_debugfs(struct dentry *dir)
{
}

static inline bool swiotlb_lend_exit(struct io_tlb_pool *pool)
{
	return true;
}

static inline unsigned long
swiotlb_lend_lent_nslabs(const struct io_tlb_pool *pool)
{
	return 0;
}

#endif /* CONFIG_SWIOTLB_LEND */

#endif /* _KERNEL_DMA_SWIOTLB_LEND_H */
