/* SPDX-License-Identifier: GPL-2.0 */
/*
 * swiotlb lending: what the rest of the kernel sees of it.  The lending
 * policy lives in kernel/dma/swiotlb_lend.c; see
 * Documentation/core-api/swiotlb-lend.rst.
 */
#ifndef _LINUX_SWIOTLB_LEND_H
#define _LINUX_SWIOTLB_LEND_H

#include <linux/init.h>

struct page;
struct seq_file;

#ifdef CONFIG_SWIOTLB_LEND

void swiotlb_lend_report_meminfo(struct seq_file *m);
void __init init_swiotlb_reserved_pageblock(struct page *page);

#else /* !CONFIG_SWIOTLB_LEND */

static inline void swiotlb_lend_report_meminfo(struct seq_file *m)
{
}

#endif /* CONFIG_SWIOTLB_LEND */

#endif /* _LINUX_SWIOTLB_LEND_H */
