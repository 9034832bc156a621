// SPDX-License-Identifier: GPL-2.0
/*
 * User-visible behaviour of swiotlb lending (CONFIG_SWIOTLB_LEND):
 * the reserve of the default swiotlb pool shows up as lent Swiotlb
 * pageblocks, movable memory (anonymous, page cache) uses it, unmovable
 * and to-be-pinned allocations never do, and a long-term pin migrates a
 * page out of a lent block before pinning it.  A DMA burst through the
 * test driver that needs the reserve gets it back from user memory, the
 * reserve is lent again once idle, and a pinned page only costs its block.
 *
 * Needs root, debugfs, and for some tests CONFIG_SWIOTLB_LEND_TEST.
 * Exits with KSFT_SKIP when the kernel does not lend.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "../kselftest_harness.h"

#define SWIOTLB_DEBUGFS	"/sys/kernel/debug/swiotlb/"
#define ALLOC_PROBE	"/sys/kernel/debug/swiotlb_lend_test/alloc_probe"
#define BURST		"/sys/kernel/debug/swiotlb_lend_test/burst"
#define DIRECT		"/sys/kernel/debug/swiotlb_lend_test/direct"
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

/*
 * Write a command to a test driver file and read its result into @buf;
 * -1 if the driver is not there or refuses the command.
 */
static int driver_command(const char *path, const char *cmd, char *buf,
			  size_t size)
{
	int fd = open(path, O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		close(fd);
		return -1;
	}
	n = pread(fd, buf, size - 1, 0);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Run the test driver's allocation probe; -1 if it is not there. */
static int alloc_probe(const char *mode, long *pages, long *lent)
{
	char buf[128];

	if (driver_command(ALLOC_PROBE, mode, buf, sizeof(buf)))
		return -1;
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
	int fields, stranger, owner;

	if (access(ALLOC_PROBE, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	fill_until_borrowed(&f, vmstat_val("nr_free_swiotlb") / 4, 0);
	ASSERT_EQ(driver_command(ALLOC_PROBE, "contig", buf, sizeof(buf)), 0);
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

/*
 * A device that does not bounce maps a page borrowed from a lent block
 * directly, and syncing and unmapping it leaves swiotlb alone: the test
 * driver maps, syncs and unmaps such a page, and one outside the pool,
 * a thousand times each.
 */
TEST(direct_map_of_lent_page)
{
	long used_before = read_long(SWIOTLB_DEBUGFS "io_tlb_used");
	long loops, outside, bounced, failed;
	char buf[128], inside[24], cmdline[1024];
	int n;
	FILE *f = fopen("/proc/cmdline", "r");

	ASSERT_NE(f, NULL);
	ASSERT_NE(fgets(cmdline, sizeof(cmdline), f), NULL);
	fclose(f);
	if (strstr(cmdline, "swiotlb=force"))
		SKIP(return, "every mapping bounces (swiotlb=force)");
	if (driver_command(DIRECT, "1000", buf, sizeof(buf)))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("direct: %s", buf);
	n = sscanf(buf, "loops=%ld outside_ps=%ld inside_ps=%23s bounced=%ld failed=%ld",
		   &loops, &outside, inside, &bounced, &failed);
	ASSERT_EQ(n, 5);
	EXPECT_EQ(loops, 1000);
	EXPECT_STRNE(inside, "none");
	EXPECT_EQ(bounced, 0);
	EXPECT_EQ(failed, 0);
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_used"), used_before);
	/* Writing nonsense is refused. */
	EXPECT_NE(driver_command(DIRECT, "0", buf, sizeof(buf)), 0);
	EXPECT_NE(driver_command(DIRECT, "lots", buf, sizeof(buf)), 0);
}

/* Reclaim on demand, re-lend at idle */

struct burst_result {
	long held, mapped, failed, verify_errors, waits, max_us, total_us;
};

/* What reading the burst file gives, in two parts for the line length. */
#define BURST_COUNTS	"held=%ld mapped=%ld failed=%ld verify_errors=%ld"
#define BURST_TIMES	" waits=%ld max_map_us=%ld total_map_us=%ld"

/* Run a burst command; the result, or -1 if the driver is not there. */
static int burst(const char *cmd, struct burst_result *r)
{
	char buf[256];

	if (driver_command(BURST, cmd, buf, sizeof(buf)))
		return -1;
	ksft_print_msg("%s: %s", cmd, buf);
	if (sscanf(buf, BURST_COUNTS BURST_TIMES, &r->held, &r->mapped,
		   &r->failed, &r->verify_errors, &r->waits, &r->max_us,
		   &r->total_us) != 7)
		return -1;
	return 0;
}

static int write_long(const char *path, long val)
{
	char buf[32];
	int fd = open(path, O_WRONLY), len, ret;

	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%ld\n", val);
	ret = write(fd, buf, len) == len ? 0 : -1;
	close(fd);
	return ret;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait up to @timeout seconds for the whole reserve to be lent. */
static int wait_all_lent(double timeout)
{
	double end = now_s() + timeout;
	long total = meminfo_kb("SwiotlbLendTotal");

	while (meminfo_kb("SwiotlbLent") != total) {
		if (now_s() > end)
			return -1;
		usleep(100000);
	}
	return 0;
}

/* Slots of the base pool and of the reserve. */
static void pool_slots(long *base, long *reserve)
{
	*reserve = meminfo_kb("SwiotlbLendTotal") / 2;
	*base = read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs") - *reserve;
}

/* A burst of 64 KiB mappings covering @slots slots (2 KiB each). */
#define BURST_SIZE	65536
static long burst_count(long slots)
{
	return slots * 2048 / BURST_SIZE;
}

/*
 * Anonymous pages of @f that are in lent blocks are kept (their addresses
 * go to @kept), all others are dropped so that migration has room.
 */
static long keep_lent_pages(struct fill *f, int pagemap, char **kept,
			    long max)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	unsigned long pfns[MAX_BLOCKS], pfn;
	int nblocks = lent_blocks(pfns, MAX_BLOCKS), c;
	long n = 0;
	size_t i;

	for (c = 0; c < f->nchunks; c++) {
		if (!f->anon[c])
			continue;
		for (i = 0; i < CHUNK / psz; i++) {
			char *addr = f->anon[c] + i * psz;

			pfn = virt_to_pfn(pagemap, addr);
			if (pfn && n < max &&
			    pfn_in_blocks(pfn, pfns, nblocks, block_pages))
				kept[n++] = addr;
			else
				madvise(addr, psz, MADV_DONTNEED);
		}
	}
	return n;
}

/* Pages among @kept and the page cache chunks whose pattern is wrong. */
static long check_kept(struct fill *f, char **kept, long n)
{
	long psz = sysconf(_SC_PAGESIZE), bad = 0, k;
	char buf[4096];
	size_t i;
	int c;

	for (k = 0; k < n; k++) {
		for (c = 0; c < f->nchunks; c++)
			if (f->anon[c] && kept[k] >= f->anon[c] &&
			    kept[k] < f->anon[c] + CHUNK)
				break;
		i = (kept[k] - f->anon[c]) / psz;
		bad += *(uint64_t *)kept[k] != pattern(page_no(c, i));
	}
	for (c = 0; c < f->nchunks; c++) {
		if (f->anon[c])
			continue;
		for (i = 0; i < CHUNK / psz; i++)
			if (pread(f->memfd, buf, sizeof(buf),
				  (off_t)(c * CHUNK + i * psz)) != sizeof(buf) ||
			    *(uint64_t *)buf != pattern(page_no(c, i)))
				bad++;
	}
	return bad;
}

#define MAX_KEPT	1048576L

TEST(burst_takes_reserve_back)
{
	long base, reserve, used, success, free_lent, nkept;
	struct burst_result r;
	static struct fill f;
	char cmd[64], **kept;
	int pagemap;

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(wait_all_lent(60), 0);
	pool_slots(&base, &reserve);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);
	kept = calloc(MAX_KEPT, sizeof(*kept));
	ASSERT_NE(kept, NULL);

	/* The reserve full of user memory: anonymous and page cache. */
	fill_until_borrowed(&f, vmstat_val("nr_free_swiotlb") / 8, 1);
	nkept = keep_lent_pages(&f, pagemap, kept, MAX_KEPT);
	free_lent = vmstat_val("nr_free_swiotlb");
	used = reserve / 2 - free_lent;
	ksft_print_msg("reserve %ld pages: %ld in use (%ld anonymous kept), regular free %ld\n",
		       reserve / 2, used, nkept, regular_free());
	ASSERT_GE(used, reserve / 2 / 2);

	/* More than the base pool: three quarters of the reserve too. */
	success = vmstat_val("swiotlb_lend_reclaim_success");
	snprintf(cmd, sizeof(cmd), "map %ld %d bidi sleep",
		 burst_count(base + reserve * 3 / 4), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.held, burst_count(base + reserve * 3 / 4));
	EXPECT_GE(vmstat_val("swiotlb_lend_reclaim_success") - success,
		  reserve * 3 / 4 / (pages_per_block() * page_kb() / 2));
	EXPECT_LT(meminfo_kb("SwiotlbLent"), meminfo_kb("SwiotlbLendTotal"));
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);

	/* What was migrated out of the reserve is intact. */
	EXPECT_EQ(check_kept(&f, kept, nkept), 0);
	fill_free(&f);
	free(kept);
	close(pagemap);
}

#define RELEND_DELAY_MS	1000

TEST(reserve_lent_again_after_grace)
{
	long base, reserve, delay, relent, reclaimed, total, held_lent;
	struct burst_result r;
	double start, took;
	char cmd[64];

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(wait_all_lent(60), 0);
	relent = vmstat_val("swiotlb_lend_relend");
	reclaimed = vmstat_val("swiotlb_lend_reclaim_success");
	pool_slots(&base, &reserve);
	total = meminfo_kb("SwiotlbLendTotal");
	delay = read_long(SWIOTLB_DEBUGFS "lend_relend_delay_ms");
	ASSERT_GT(delay, 0);
	ASSERT_EQ(write_long(SWIOTLB_DEBUGFS "lend_relend_delay_ms",
			     RELEND_DELAY_MS), 0);

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve / 2), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	held_lent = meminfo_kb("SwiotlbLent");
	EXPECT_LT(held_lent, total);
	ASSERT_EQ(burst("release", &r), 0);
	start = now_s();

	/* Idle now: lent again after the grace period (and TCG slack). */
	EXPECT_EQ(wait_all_lent(RELEND_DELAY_MS / 1000.0 + 20), 0);
	took = now_s() - start;
	ksft_print_msg("lent again %.2f s after the release (grace %d ms)\n",
		       took, RELEND_DELAY_MS);
	/*
	 * Every block taken back was lent again, however many the worker
	 * took: it may go on up to its high watermark after the burst is
	 * mapped, so the count at that moment is only a lower bound.
	 */
	EXPECT_EQ(vmstat_val("swiotlb_lend_relend") - relent,
		  vmstat_val("swiotlb_lend_reclaim_success") - reclaimed);
	EXPECT_GE(vmstat_val("swiotlb_lend_relend") - relent,
		  (total - held_lent) / (pages_per_block() * page_kb()));
	EXPECT_EQ(write_long(SWIOTLB_DEBUGFS "lend_relend_delay_ms", delay), 0);
}

/*
 * The lendable blocks, from lend_blocks: index, first pfn, and area (runs
 * of consecutive indices, one per area).  Returns how many, or -1.
 */
static int lendable_blocks(long *idx, unsigned long *pfn, int *area, int max)
{
	unsigned long block, p, prev = -2UL;
	int n = 0, a = -1;
	char state[16];
	FILE *f = fopen(SWIOTLB_DEBUGFS "lend_blocks", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%lu %lx %15s", &block, &p, state) == 3 && n < max) {
		if (block != prev + 1)
			a++;
		prev = block;
		idx[n] = block;
		pfn[n] = p;
		area[n++] = a;
	}
	fclose(f);
	return n;
}

static int block_state_lent(long idx)
{
	unsigned long block, p;
	char state[16];
	int lent = -1;
	FILE *f = fopen(SWIOTLB_DEBUGFS "lend_blocks", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%lu %lx %15s", &block, &p, state) == 3)
		if ((long)block == idx)
			lent = !strcmp(state, "lent");
	fclose(f);
	return lent;
}

TEST(pinned_page_fails_only_its_block)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	long nprocs = sysconf(_SC_NPROCESSORS_ONLN);
	long base, reserve, fails, success, slots, idx[MAX_BLOCKS];
	int n, pagemap, pipefd[2], c, k, best = -1, area[MAX_BLOCKS];
	int nareas, per_area;
	unsigned long pfn[MAX_BLOCKS], p;
	char *pin = NULL, cmd[64];
	cpu_set_t cpus, area_cpu;
	struct burst_result r;
	static struct fill f;
	struct iovec iov;
	uint64_t want = 0;
	size_t i;

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(wait_all_lent(60), 0);
	n = lendable_blocks(idx, pfn, area, MAX_BLOCKS);
	ASSERT_GT(n, 0);
	nareas = area[n - 1] + 1;
	if (nareas < 2)
		SKIP(return, "one area lends: a pinned block stops it all");
	per_area = n / nareas;
	pool_slots(&base, &reserve);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);

	/*
	 * One of our anonymous pages in a lent block, as close to the bottom
	 * of its area's reserve as we find: the worker takes an area's lent
	 * blocks from the bottom up, so it must come to that one.  Area k is
	 * CPU k's, so only areas of online CPUs qualify.
	 */
	fill_until_borrowed(&f, vmstat_val("nr_free_swiotlb") / 8, 0);
	for (c = 0; c < f.nchunks; c++) {
		for (i = 0; i < CHUNK / psz; i++) {
			p = virt_to_pfn(pagemap, f.anon[c] + i * psz);
			for (k = 0; k < n; k++) {
				if (p < pfn[k] || p >= pfn[k] + block_pages ||
				    area[k] >= nprocs)
					continue;
				/* Fewest blocks below it in its area. */
				if (best < 0 || k % per_area < best % per_area) {
					best = k;
					pin = f.anon[c] + i * psz;
					want = pattern(page_no(c, i));
				}
			}
		}
	}
	if (!pin) {
		fill_free(&f);
		SKIP(return, "none of our pages landed in a lent block");
	}
	/* Everything else goes, so the other blocks are cheap to take. */
	for (c = 0; c < f.nchunks; c++)
		for (i = 0; i < CHUNK / psz; i++)
			if (f.anon[c] + i * psz != pin)
				madvise(f.anon[c] + i * psz, psz, MADV_DONTNEED);

	/* A pipe holds a reference to a vmspliced page: it cannot move. */
	ASSERT_EQ(pipe(pipefd), 0);
	iov.iov_base = pin;
	iov.iov_len = psz;
	ASSERT_EQ(vmsplice(pipefd[1], &iov, 1, 0), psz);
	k = best % per_area;
	ksft_print_msg("pinned a page in block %ld of area %d, %d lent blocks below it\n",
		       idx[best], area[best], k);

	/*
	 * Map from the CPU whose area that is: the burst fills that area's
	 * base share and the k blocks below the pinned one, so the worker
	 * comes to the pinned block, fails and goes on with the next area,
	 * where the burst spills over, below that area's low watermark.
	 */
	ASSERT_EQ(sched_getaffinity(0, sizeof(cpus), &cpus), 0);
	CPU_ZERO(&area_cpu);
	CPU_SET(area[best], &area_cpu);
	ASSERT_EQ(sched_setaffinity(0, sizeof(area_cpu), &area_cpu), 0);
	slots = base / nareas + k * reserve / n + base / nareas * 15 / 16;

	fails = vmstat_val("swiotlb_lend_reclaim_fail");
	success = vmstat_val("swiotlb_lend_reclaim_success");
	snprintf(cmd, sizeof(cmd), "map %ld %d from sleep",
		 burst_count(slots), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.verify_errors, 0);
	/* The pinned block failed and stayed lent; the others came back. */
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_fail") - fails, 0);
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_success") - success, 0);
	EXPECT_EQ(block_state_lent(idx[best]), 1);
	ASSERT_EQ(burst("release", &r), 0);
	ASSERT_EQ(sched_setaffinity(0, sizeof(cpus), &cpus), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(*(uint64_t *)pin, want);

	close(pipefd[0]);
	close(pipefd[1]);
	fill_free(&f);
	close(pagemap);
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
