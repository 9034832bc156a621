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
 * for pages it is about to pin long-term.
 *
 * Writing "contig" instead takes the first lent block with
 * alloc_contig_range() as a stranger would (MIGRATE_MOVABLE), which must
 * fail, then as its owner (MIGRATE_SWIOTLB), which must succeed by
 * migrating the pages in it, and frees it again, still lent:
 *	contig pfn=<first pfn> movable=<errno> swiotlb=<errno>
 */

#define pr_fmt(fmt) "swiotlb_lend_test: " fmt

#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/swiotlb_lend.h>
#include <linux/uaccess.h>

#include "swiotlb_lend.h"

static DEFINE_MUTEX(probe_lock);
static char probe_result[96] = "none\n";

static void alloc_probe(const char *mode, gfp_t gfp, bool pin)
{
	unsigned long max = totalram_pages(), pages = 0, lent = 0;
	unsigned int pin_flags = 0;
	struct page *page, *tmp;
	LIST_HEAD(list);

	if (pin)
		pin_flags = memalloc_pin_save();
	while (pages < max) {
		page = alloc_page(gfp | __GFP_NORETRY | __GFP_NOWARN);
		if (!page)
			break;
		list_add(&page->lru, &list);
		pages++;
		if (swiotlb_lend_pfn_lent(page_to_pfn(page)))
			lent++;
		cond_resched();
	}
	if (pin)
		memalloc_pin_restore(pin_flags);

	list_for_each_entry_safe(page, tmp, &list, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	snprintf(probe_result, sizeof(probe_result),
		 "mode=%s pages=%lu lent=%lu\n", mode, pages, lent);
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

static ssize_t alloc_probe_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[16];

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);

	mutex_lock(&probe_lock);
	if (!strcmp(buf, "movable"))
		alloc_probe(buf, GFP_HIGHUSER_MOVABLE, false);
	else if (!strcmp(buf, "unmovable"))
		alloc_probe(buf, GFP_KERNEL, false);
	else if (!strcmp(buf, "pin"))
		alloc_probe(buf, GFP_HIGHUSER_MOVABLE, true);
	else if (!strcmp(buf, "contig"))
		contig_probe();
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

static int alloc_probe_open(struct inode *inode, struct file *file)
{
	return single_open(file, alloc_probe_show, NULL);
}

static const struct file_operations alloc_probe_fops = {
	.owner = THIS_MODULE,
	.open = alloc_probe_open,
	.read = seq_read,
	.write = alloc_probe_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init swiotlb_lend_test_init(void)
{
	struct dentry *dir = debugfs_create_dir("swiotlb_lend_test", NULL);

	debugfs_create_file("alloc_probe", 0600, dir, NULL, &alloc_probe_fops);
	return 0;
}
late_initcall(swiotlb_lend_test_init);
