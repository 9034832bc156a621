// SPDX-License-Identifier: GPL-2.0
/*
 * User-visible behaviour of swiotlb lending (CONFIG_SWIOTLB_LEND):
 * the reserve of the default swiotlb pool shows up as lent Swiotlb
 * pageblocks, movable memory (anonymous, page cache) uses it, unmovable
 * and to-be-pinned allocations never do, and a long-term pin migrates a
 * page out of a lent block before pinning it.
 *
 * Needs root, debugfs, and for some tests CONFIG_SWIOTLB_LEND_TEST.
 * Exits with KSFT_SKIP when the kernel does not lend.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "../kselftest_harness.h"

#define SWIOTLB_DEBUGFS	"/sys/kernel/debug/swiotlb/"
#define ALLOC_PROBE	"/sys/kernel/debug/swiotlb_lend_test/alloc_probe"
#define MAX_BLOCKS	4096

/* A /proc/meminfo value in kB, or -1 if the key is absent. */
static long meminfo_kb(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/* A /proc/vmstat value, or -1 if the key is absent. */
static long vmstat_val(const char *key)
{
	char name[128];
	long val, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %ld", name, &val) == 2) {
		if (!strcmp(name, key)) {
			found = val;
			break;
		}
	}
	fclose(f);
	return found;
}

static long read_long(const char *path)
{
	long val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

static long page_kb(void)
{
	return sysconf(_SC_PAGESIZE) / 1024;
}

/* Pages per pageblock, from /proc/pagetypeinfo. */
static long pages_per_block(void)
{
	char line[512];
	long val = -1;
	FILE *f = fopen("/proc/pagetypeinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pages per block: %ld", &val) == 1)
			break;
	fclose(f);
	return val;
}

/* Sum of the "Swiotlb" column of pageblock counts in /proc/pagetypeinfo. */
static long swiotlb_pageblocks(void)
{
	char line[1024], *tok, *save;
	int col = -1, i;
	long sum = 0;
	FILE *f = fopen("/proc/pagetypeinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Number of blocks type", 21)) {
			i = 0;
			for (tok = strtok_r(line + 21, "\n\t ", &save); tok;
			     tok = strtok_r(NULL, "\n\t ", &save), i++)
				if (!strcmp(tok, "Swiotlb"))
					col = i;
			continue;
		}
		if (col < 0 || strncmp(line, "Node", 4))
			continue;
		/* "Node 0, zone   DMA32   n0 n1 ..." */
		tok = strtok_r(line, "\n\t ", &save);
		for (i = 0; tok && i < 4; i++)
			tok = strtok_r(NULL, "\n\t ", &save);
		for (i = 0; tok && i < col; i++)
			tok = strtok_r(NULL, "\n\t ", &save);
		if (tok)
			sum += strtol(tok, NULL, 10);
	}
	fclose(f);
	return col < 0 ? -1 : sum;
}

/* First pfns of the lent blocks, from debugfs lend_blocks; count or -1. */
static int lent_blocks(unsigned long *pfns, int max)
{
	unsigned long block, pfn;
	char state[16];
	int n = 0;
	FILE *f = fopen(SWIOTLB_DEBUGFS "lend_blocks", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%lu %lx %15s", &block, &pfn, state) == 3)
		if (!strcmp(state, "lent") && n < max)
			pfns[n++] = pfn;
	fclose(f);
	return n;
}

static int pfn_in_blocks(unsigned long pfn, const unsigned long *pfns, int n,
			 long block_pages)
{
	int i;

	for (i = 0; i < n; i++)
		if (pfn >= pfns[i] && pfn < pfns[i] + block_pages)
			return 1;
	return 0;
}

/* The pfn behind a virtual address of this process, or 0. */
static unsigned long virt_to_pfn(int pagemap, void *addr)
{
	uint64_t entry;
	off_t off = (uintptr_t)addr / sysconf(_SC_PAGESIZE) * sizeof(entry);

	if (pread(pagemap, &entry, sizeof(entry), off) != sizeof(entry))
		return 0;
	if (!(entry & (1ULL << 63)))
		return 0;
	return entry & ((1ULL << 55) - 1);
}

/* Run the test driver's allocation probe; -1 if it is not there. */
static int alloc_probe(const char *mode, long *pages, long *lent)
{
	char buf[128];
	int fd = open(ALLOC_PROBE, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	if (write(fd, mode, strlen(mode)) != (ssize_t)strlen(mode)) {
		close(fd);
		return -1;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "mode=%*s pages=%ld lent=%ld", pages, lent) != 2)
		return -1;
	return 0;
}

static uint64_t pattern(uint64_t i)
{
	return i * 0x9e3779b97f4a7c15ULL ^ 0x5a17;
}

#define CHUNK		(8UL << 20)
#define MAX_CHUNKS	4096

/*
 * Movable memory faulted in 8 MiB chunks until enough lent pages are in
 * use: anonymous chunks, and with a memfd every other chunk page cache.
 * Each page holds one pattern word, numbered across the whole fill.
 */
struct fill {
	char *anon[MAX_CHUNKS];		/* NULL for page cache chunks */
	int nchunks;
	int memfd;
};

static uint64_t page_no(int chunk, size_t page)
{
	return (uint64_t)chunk * (CHUNK / sysconf(_SC_PAGESIZE)) + page;
}

static int fill_chunk(struct fill *f, int with_file)
{
	long psz = sysconf(_SC_PAGESIZE);
	int c = f->nchunks;
	char buf[4096] = { 0 };
	size_t i;

	if (with_file && (c & 1)) {
		for (i = 0; i < CHUNK / psz; i++) {
			*(uint64_t *)buf = pattern(page_no(c, i));
			if (pwrite(f->memfd, buf, sizeof(buf),
				   (off_t)(c * CHUNK + i * psz)) != sizeof(buf))
				return -1;
		}
		f->anon[c] = NULL;
	} else {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -1;
		for (i = 0; i < CHUNK / psz; i++)
			*(uint64_t *)(p + i * psz) = pattern(page_no(c, i));
		f->anon[c] = p;
	}
	f->nchunks++;
	return 0;
}

/* Sum of a per-zone watermark ("min", "high") over /proc/zoneinfo, pages. */
static long zone_watermarks(const char *name)
{
	char line[256], key[32];
	long val, sum = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %31s %ld", key, &val) == 2 &&
		    !strcmp(key, name))
			sum += val;
	fclose(f);
	return sum;
}

/* Free memory that is not lent, in pages. */
static long regular_free(void)
{
	return meminfo_kb("MemFree") / page_kb() - vmstat_val("nr_free_swiotlb");
}

/*
 * Fill until nr_free_swiotlb is at most @goal pages.  Movable allocations
 * must borrow lent pages before regular memory falls below the high
 * watermarks, so stop, before the OOM killer would, once regular free
 * memory is down to half-way between the min watermarks and that.
 * Returns the final nr_free_swiotlb.
 */
static long fill_until_borrowed(struct fill *f, long goal, int with_file)
{
	long floor = (zone_watermarks("min") + zone_watermarks("high")) / 2;
	long free_lent = vmstat_val("nr_free_swiotlb");

	f->nchunks = 0;
	f->memfd = with_file ? memfd_create("swiotlb_lend", 0) : -1;
	if (with_file && f->memfd < 0)
		return -1;
	while (free_lent > goal && regular_free() > floor &&
	       f->nchunks < MAX_CHUNKS) {
		if (fill_chunk(f, with_file))
			break;
		free_lent = vmstat_val("nr_free_swiotlb");
	}
	ksft_print_msg("filled %d MiB: lent free %ld (goal %ld), regular free %ld (floor %ld)\n",
		       f->nchunks * (int)(CHUNK >> 20), free_lent, goal,
		       regular_free(), floor);
	return free_lent;
}

/* Pages whose pattern word is wrong. */
static size_t fill_check(struct fill *f)
{
	long psz = sysconf(_SC_PAGESIZE);
	char buf[4096];
	size_t i, bad = 0;
	int c;

	for (c = 0; c < f->nchunks; c++) {
		for (i = 0; i < CHUNK / psz; i++) {
			if (f->anon[c]) {
				bad += *(uint64_t *)(f->anon[c] + i * psz) !=
				       pattern(page_no(c, i));
				continue;
			}
			if (pread(f->memfd, buf, sizeof(buf),
				  (off_t)(c * CHUNK + i * psz)) != sizeof(buf) ||
			    *(uint64_t *)buf != pattern(page_no(c, i)))
				bad++;
		}
	}
	return bad;
}

static void fill_free(struct fill *f)
{
	int c;

	for (c = 0; c < f->nchunks; c++)
		if (f->anon[c])
			munmap(f->anon[c], CHUNK);
	if (f->memfd >= 0)
		close(f->memfd);
	f->nchunks = 0;
}

TEST(reserve_lent_at_boot)
{
	long total = meminfo_kb("SwiotlbLendTotal");
	long lent = meminfo_kb("SwiotlbLent");
	long block_kb = pages_per_block() * page_kb();
	unsigned long pfns[MAX_BLOCKS];
	long nslabs, lent_nslabs;
	int n;

	ASSERT_GT(total, 0);
	ASSERT_GT(block_kb, 0);
	ksft_print_msg("SwiotlbLendTotal %ld kB, SwiotlbLent %ld kB, block %ld kB\n",
		       total, lent, block_kb);
	/* At idle after boot the whole reserve is lent. */
	EXPECT_EQ(lent, total);
	EXPECT_EQ(total % block_kb, 0);

	/* The reserve shows up as Swiotlb pageblocks. */
	EXPECT_GE(swiotlb_pageblocks() * block_kb, total);

	/* debugfs agrees: lent blocks, and lent slots of 2 KiB. */
	n = lent_blocks(pfns, MAX_BLOCKS);
	EXPECT_EQ(n * block_kb, lent);
	lent_nslabs = read_long(SWIOTLB_DEBUGFS "io_tlb_lent_nslabs");
	EXPECT_EQ(lent_nslabs * 2, lent);
	/* io_tlb_nslabs counts every slot: the base pool and the reserve. */
	nslabs = read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs");
	EXPECT_GT(nslabs * 2, total);
	/* No bounce buffer is in use at idle, lent slots are not "used". */
	EXPECT_LT(read_long(SWIOTLB_DEBUGFS "io_tlb_used"), nslabs / 2);
}

TEST(movable_memory_uses_lent_pages)
{
	static struct fill f;
	long free_before = vmstat_val("nr_free_swiotlb"), free_during;

	ASSERT_GT(free_before, 0);
	/* Anonymous memory and page cache until half the lent pages are used. */
	free_during = fill_until_borrowed(&f, free_before / 2, 1);
	ASSERT_GE(free_during, 0);
	EXPECT_LE(free_during, free_before / 2);
	EXPECT_EQ(fill_check(&f), 0);
	fill_free(&f);
}

TEST(movable_probe_uses_lent_pages)
{
	long free_before = vmstat_val("nr_free_swiotlb"), pages, lent;

	if (alloc_probe("movable", &pages, &lent))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("movable: %ld pages, %ld from lent blocks (nr_free_swiotlb was %ld)\n",
		       pages, lent, free_before);
	EXPECT_GT(pages, 0);
	EXPECT_GE(lent, free_before / 2);
}

TEST(unmovable_never_uses_lent_pages)
{
	long free_before = vmstat_val("nr_free_swiotlb"), pages, lent;

	if (alloc_probe("unmovable", &pages, &lent))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("unmovable: %ld pages, %ld from lent blocks\n",
		       pages, lent);
	EXPECT_GT(pages, 0);
	EXPECT_EQ(lent, 0);
	/* Exhausting memory with them left the lent pages alone. */
	EXPECT_GE(vmstat_val("nr_free_swiotlb"), free_before * 9 / 10);
}

TEST(pin_allocations_never_use_lent_pages)
{
	long pages, lent;

	if (alloc_probe("pin", &pages, &lent))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("pin: %ld pages, %ld from lent blocks\n", pages, lent);
	EXPECT_GT(pages, 0);
	EXPECT_EQ(lent, 0);
}

/*
 * Only the owner may take a lent block back with alloc_contig_range(),
 * and taking it migrates the user pages in it: fill memory so that the
 * block holds ours, let the test driver take it as a stranger (refused)
 * and as its owner (done), and check our data.
 */
TEST(contig_range_only_for_owner)
{
	static struct fill f;
	char buf[128];
	unsigned long pfn;
	int fd, fields, stranger, owner;
	ssize_t n;

	fd = open(ALLOC_PROBE, O_RDWR);
	if (fd < 0)
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	fill_until_borrowed(&f, vmstat_val("nr_free_swiotlb") / 4, 0);
	ASSERT_EQ(write(fd, "contig", 6), 6);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	close(fd);
	ksft_print_msg("%s", buf);
	fields = sscanf(buf, "contig pfn=%lx movable=%d swiotlb=%d", &pfn,
			&stranger, &owner);
	ASSERT_EQ(fields, 3);
	EXPECT_NE(pfn, 0);
	EXPECT_NE(stranger, 0);
	EXPECT_EQ(owner, 0);
	EXPECT_EQ(fill_check(&f), 0);
	fill_free(&f);
}

#define PIN_PAGES 64

TEST(longterm_pin_moves_page_out)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	unsigned long pfns[MAX_BLOCKS], pfn;
	struct io_uring_params params = { 0 };
	struct iovec iov[PIN_PAGES];
	int nblocks, pagemap, ring, c, n = 0, still_lent = 0, bad = 0;
	char *pinned[PIN_PAGES];
	uint64_t want[PIN_PAGES];
	static struct fill f;
	size_t i;

	nblocks = lent_blocks(pfns, MAX_BLOCKS);
	ASSERT_GT(nblocks, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);

	/* Fill memory until anonymous pages land in lent blocks. */
	fill_until_borrowed(&f, vmstat_val("nr_free_swiotlb") / 2, 0);
	for (c = f.nchunks - 1; c >= 0 && n < PIN_PAGES; c--) {
		for (i = 0; i < CHUNK / psz && n < PIN_PAGES; i++) {
			char *addr = f.anon[c] + i * psz;

			pfn = virt_to_pfn(pagemap, addr);
			if (pfn && pfn_in_blocks(pfn, pfns, nblocks, block_pages)) {
				pinned[n] = addr;
				want[n++] = pattern(page_no(c, i));
			}
		}
	}
	ksft_print_msg("%d of our pages are in lent blocks\n", n);
	ASSERT_GT(n, 0);

	/* Free everything else, so the pin has somewhere to migrate to. */
	for (c = 0; c < f.nchunks; c++) {
		for (i = 0; i < CHUNK / psz; i++) {
			char *addr = f.anon[c] + i * psz;
			int keep = 0, k;

			for (k = 0; k < n; k++)
				keep |= pinned[k] == addr;
			if (!keep)
				madvise(addr, psz, MADV_DONTNEED);
		}
	}

	/* io_uring fixed buffers are a FOLL_LONGTERM pin. */
	ring = syscall(__NR_io_uring_setup, 4, &params);
	if (ring < 0)
		SKIP(goto out, "io_uring_setup: %s", strerror(errno));
	for (i = 0; i < (size_t)n; i++) {
		iov[i].iov_base = pinned[i];
		iov[i].iov_len = psz;
	}
	ASSERT_EQ(syscall(__NR_io_uring_register, ring,
			  IORING_REGISTER_BUFFERS, iov, n), 0);

	for (i = 0; i < (size_t)n; i++) {
		pfn = virt_to_pfn(pagemap, pinned[i]);
		still_lent += pfn_in_blocks(pfn, pfns, nblocks, block_pages);
		bad += *(uint64_t *)pinned[i] != want[i];
	}
	ksft_print_msg("after pinning: %d of %d pages still in lent blocks, %d corrupted\n",
		       still_lent, n, bad);
	EXPECT_EQ(still_lent, 0);
	EXPECT_EQ(bad, 0);

	syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS,
		NULL, 0);
	close(ring);
out:
	fill_free(&f);
	close(pagemap);
}

#define DMA_PAGES 32

/*
 * O_DIRECT I/O from and into pages that sit in lent blocks: the device
 * reaches them by DMA, directly unless swiotlb bounces everything.  Needs
 * a scratch block device in SWIOTLB_LEND_TEST_DEV (it is overwritten).
 */
TEST(direct_dma_of_lent_pages)
{
	const char *dev = getenv("SWIOTLB_LEND_TEST_DEV");
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	unsigned long pfns[MAX_BLOCKS], pfn;
	char *src[DMA_PAGES], *dst[DMA_PAGES];
	int nblocks, pagemap, fd, c, n = 0, bad = 0, moved = 0;
	long used_before;
	static struct fill f;
	size_t i;

	if (!dev)
		SKIP(return, "set SWIOTLB_LEND_TEST_DEV to a scratch block device");
	fd = open(dev, O_RDWR | O_DIRECT);
	ASSERT_GE(fd, 0);
	nblocks = lent_blocks(pfns, MAX_BLOCKS);
	ASSERT_GT(nblocks, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);

	fill_until_borrowed(&f, vmstat_val("nr_free_swiotlb") / 2, 0);
	for (c = f.nchunks - 1; c >= 0 && n < 2 * DMA_PAGES; c--) {
		for (i = 0; i < CHUNK / psz && n < 2 * DMA_PAGES; i++) {
			char *addr = f.anon[c] + i * psz;

			pfn = virt_to_pfn(pagemap, addr);
			if (!pfn || !pfn_in_blocks(pfn, pfns, nblocks, block_pages))
				continue;
			if (n < DMA_PAGES)
				src[n] = addr;
			else
				dst[n - DMA_PAGES] = addr;
			n++;
		}
	}
	ksft_print_msg("%d of our pages are in lent blocks\n", n);
	ASSERT_EQ(n, 2 * DMA_PAGES);

	used_before = read_long(SWIOTLB_DEBUGFS "io_tlb_used");
	for (i = 0; i < DMA_PAGES; i++) {
		memset(src[i] + sizeof(uint64_t), (int)i + 1, psz - sizeof(uint64_t));
		ASSERT_EQ(pwrite(fd, src[i], psz, i * psz), psz);
	}
	for (i = 0; i < DMA_PAGES; i++) {
		ASSERT_EQ(pread(fd, dst[i], psz, i * psz), psz);
		bad += memcmp(dst[i], src[i], psz) != 0;
	}
	for (i = 0; i < DMA_PAGES; i++) {
		moved += !pfn_in_blocks(virt_to_pfn(pagemap, src[i]), pfns,
					nblocks, block_pages);
		moved += !pfn_in_blocks(virt_to_pfn(pagemap, dst[i]), pfns,
					nblocks, block_pages);
	}
	ksft_print_msg("%d pages read back wrong, %d left lent blocks, io_tlb_used %ld -> %ld\n",
		       bad, moved, used_before,
		       read_long(SWIOTLB_DEBUGFS "io_tlb_used"));
	EXPECT_EQ(bad, 0);
	/* The DMA did target pages in lent blocks. */
	EXPECT_EQ(moved, 0);
	/* Every bounce buffer, if any, was released. */
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_used"), used_before);

	fill_free(&f);
	close(pagemap);
	close(fd);
}

int main(int argc, char **argv)
{
	long total = meminfo_kb("SwiotlbLendTotal");

	if (total < 0) {
		printf("# SKIP kernel without CONFIG_SWIOTLB_LEND\n");
		return KSFT_SKIP;
	}
	if (total == 0) {
		printf("# SKIP swiotlb does not lend in this boot\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
