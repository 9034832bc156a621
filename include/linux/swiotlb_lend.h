/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb lending: what the rest of the kernel sees of it.  The lending
 * policy lives in kernel/dma/swiotlb_lend.c; see
 * Documentation/core-api/swiotlb-lend.rst.
 */
#ifndef _LINUX_SWIOTLB_LEND_H
#define _LINUX_SWIOTLB_LEND_H

#include <linux/alloc_tag.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/sched.h>

struct page;
struct seq_file;

#ifdef CONFIG_SWIOTLB_LEND

void swiotlb_lend_report_meminfo(struct seq_file *m);
void __init init_swiotlb_reserved_pageblock(struct page *page);
void swiotlb_lend_pause_borrowing(void);
void swiotlb_lend_resume_borrowing(void);
bool swiotlb_take_free_pageblock_noprof(unsigned long pfn);
#define swiotlb_take_free_pageblock(...) \
	alloc_hooks(swiotlb_take_free_pageblock_noprof(__VA_ARGS__))

/**
 * swiotlb_lend_map_begin() - one wait bound for a whole sleepable map call
 * @deadline:	The call's deadline, on the caller's stack.
 *
 * A %DMA_ATTR_MAY_SLEEP mapping may wait lend_wait_ms for lent slots to
 * come back; within dma_map_sg() every entry that finds no slots shares
 * one such wait, instead of waiting lend_wait_ms each while the caller
 * may hold locks (DRM's ww_mutex).  An outer call's bound covers calls
 * nested in it.
 *
 * Context: Process context.
 * Return: %true if this call set the bound; pass it to
 * swiotlb_lend_map_end().
 */
static inline bool swiotlb_lend_map_begin(unsigned long *deadline)
{
	might_sleep();
	if (current->swiotlb_lend_deadline)
		return false;
	*deadline = 0;
	current->swiotlb_lend_deadline = deadline;
	return true;
}

/**
 * swiotlb_lend_map_end() - the sleepable map call is over
 * @began:	What swiotlb_lend_map_begin() returned.
 *
 * Context: Process context.
 */
static inline void swiotlb_lend_map_end(bool began)
{
	if (began)
		current->swiotlb_lend_deadline = NULL;
}

#else /* !CONFIG_SWIOTLB_LEND */

static inline void swiotlb_lend_report_meminfo(struct seq_file *m)
{
}

static inline bool swiotlb_lend_map_begin(unsigned long *deadline)
{
	return false;
}

static inline void swiotlb_lend_map_end(bool began)
{
}

#endif /* CONFIG_SWIOTLB_LEND */

#endif /* _LINUX_SWIOTLB_LEND_H */
