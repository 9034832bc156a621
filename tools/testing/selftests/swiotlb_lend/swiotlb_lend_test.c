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
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "../kselftest_harness.h"

#define SWIOTLB_DEBUGFS	"/sys/kernel/debug/swiotlb/"
#define ALLOC_PROBE	"/sys/kernel/debug/swiotlb_lend_test/alloc_probe"
#define BURST		"/sys/kernel/debug/swiotlb_lend_test/burst"
#define DIRECT		"/sys/kernel/debug/swiotlb_lend_test/direct"
#define HOLD_WORKER	"/sys/kernel/debug/swiotlb_lend_test/hold_worker"
#define SG		"/sys/kernel/debug/swiotlb_lend_test/sg"
#define KMALLOC		"/sys/kernel/debug/swiotlb_lend_test/kmalloc"
#define LRU_DISABLED	"/sys/kernel/debug/swiotlb_lend_test/lru_disabled"
#define MAX_BLOCKS	4096

/*
 * Tests that fill memory or take the reserve back run for minutes under
 * emulation, far beyond the harness's 30 s default: each gets its own
 * timeout (TEST_F_TIMEOUT), which needs a fixture.
 */
#define QUICK	60
#define LONG	300

static long read_long(const char *path);
static int write_long(const char *path, long val);
static int pool_forced(void);

/*
 * CONFIG_SWIOTLB_DYNAMIC: transient pools, and no lend_bridge (the
 * bridges of a lending pool without it also count transient slots).
 */
static int swiotlb_dynamic(void)
{
	return !access(SWIOTLB_DEBUGFS "io_tlb_transient_nslabs", R_OK) &&
	       access(SWIOTLB_DEBUGFS "lend_bridge", R_OK);
}

#define RELEND_DELAY	SWIOTLB_DEBUGFS "lend_relend_delay_ms"
#define WAIT_MS		SWIOTLB_DEBUGFS "lend_wait_ms"
#define WMARK_LOW	SWIOTLB_DEBUGFS "lend_wmark_low"
#define WMARK_HIGH	SWIOTLB_DEBUGFS "lend_wmark_high"
#define BRIDGE		SWIOTLB_DEBUGFS "lend_bridge"
#define TRANSIENT	SWIOTLB_DEBUGFS "io_tlb_transient_nslabs"
#define USED		SWIOTLB_DEBUGFS "io_tlb_used"

#define PCP_HIGH_FRACTION "/proc/sys/vm/percpu_pagelist_high_fraction"
#define WMARK_SCALE_FACTOR "/proc/sys/vm/watermark_scale_factor"
#define PROACTIVENESS	"/proc/sys/vm/compaction_proactiveness"
#define BOOST_FACTOR	"/proc/sys/vm/watermark_boost_factor"

/*
 * The tunables, put back after each test whatever its outcome: by the
 * parent, so that a test killed on timeout (or by the OOM killer) does
 * not leave them to the next one, which would take them for the defaults.
 * Bridging is off unless a test turns it on: the tests of take-backs and
 * waits need mappings that find no slots to fail or wait.
 */
FIXTURE(lend) {
	long relend_delay, wait_ms, low, high, pcp_high_fraction;
	long wmark_scale_factor, proactiveness, boost_factor, bridge;
};

FIXTURE_SETUP(lend)
{
	self->relend_delay = read_long(RELEND_DELAY);
	self->wait_ms = read_long(WAIT_MS);
	self->low = read_long(WMARK_LOW);
	self->high = read_long(WMARK_HIGH);
	self->pcp_high_fraction = read_long(PCP_HIGH_FRACTION);
	self->wmark_scale_factor = read_long(WMARK_SCALE_FACTOR);
	self->proactiveness = read_long(PROACTIVENESS);
	self->boost_factor = read_long(BOOST_FACTOR);
	self->bridge = read_long(BRIDGE);
	if (self->bridge >= 0)
		write_long(BRIDGE, 0);
}

FIXTURE_TEARDOWN_PARENT(lend)
{
	/* Low to 1 first: then high and low are each valid when written. */
	write_long(WMARK_LOW, 1);
	write_long(WMARK_HIGH, self->high);
	write_long(WMARK_LOW, self->low);
	write_long(RELEND_DELAY, self->relend_delay);
	write_long(WAIT_MS, self->wait_ms);
	if (self->pcp_high_fraction >= 0)
		write_long(PCP_HIGH_FRACTION, self->pcp_high_fraction);
	if (self->wmark_scale_factor > 0)
		write_long(WMARK_SCALE_FACTOR, self->wmark_scale_factor);
	if (self->proactiveness >= 0)
		write_long(PROACTIVENESS, self->proactiveness);
	if (self->boost_factor >= 0)
		write_long(BOOST_FACTOR, self->boost_factor);
	if (self->bridge >= 0)
		write_long(BRIDGE, self->bridge);
	/*
	 * A test that stopped half way must leave neither the worker held
	 * nor a burst mapped (every later burst would fail with -EBUSY).
	 */
	if (!access(HOLD_WORKER, W_OK))
		write_long(HOLD_WORKER, 0);
	if (!access(BURST, W_OK)) {
		int fd = open(BURST, O_WRONLY);

		if (fd >= 0) {
			if (write(fd, "release", 7) < 0)
				; /* -ENOENT: nothing was held */
			close(fd);
		}
	}
}

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

/*
 * First pfns of the reserve's blocks, lent or not, from debugfs
 * lend_blocks; count or -1.  Whether a page is in the reserve is judged by
 * its address alone, not by who lending says owns its block.
 */
static int reserve_blocks(unsigned long *pfns, int max)
{
	unsigned long block, pfn;
	char state[16];
	int n = 0;
	FILE *f = fopen(SWIOTLB_DEBUGFS "lend_blocks", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%lu %lx %15s", &block, &pfn, state) == 3)
		if (n < max)
			pfns[n++] = pfn;
	fclose(f);
	return n;
}

/*
 * First pfns of the blocks lend_blocks lists as lent now, up to @max
 * (none with @pfns NULL); the number of lent blocks (at most @max with
 * @pfns), or -1.
 */
static int lent_blocks(unsigned long *pfns, int max)
{
	unsigned long block, pfn;
	char state[16];
	int n = 0;
	FILE *f = fopen(SWIOTLB_DEBUGFS "lend_blocks", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%lu %lx %15s", &block, &pfn, state) == 3) {
		if (strcmp(state, "lent"))
			continue;
		if (pfns && n >= max)
			break;
		if (pfns)
			pfns[n] = pfn;
		n++;
	}
	fclose(f);
	return n;
}

/* Blocks that lend_blocks lists as lent, or -1. */
static int lent_block_count(void)
{
	return lent_blocks(NULL, 0);
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

/*
 * Run the test driver's allocation probe; -1 if it is not there.  The
 * driver counts a page as lent by its address and its pageblock's type;
 * a page inside the pool in any other pageblock is "foreign".
 */
static int alloc_probe(const char *mode, long *pages, long *lent,
		       long *foreign, long *left)
{
	char buf[128];
	long owned, unused;

	if (driver_command(ALLOC_PROBE, mode, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "mode=%*s pages=%ld lent=%ld foreign=%ld owned=%ld left=%ld",
		   pages, lent, foreign, &owned, left ? left : &unused) != 5)
		return -1;
	/* A lent page whose block lending thinks is swiotlb's: as bad. */
	*foreign += owned;
	return 0;
}

static uint64_t pattern(uint64_t i)
{
	return i * 0x9e3779b97f4a7c15ULL ^ 0x5a17;
}

/*
 * Sum of one per-zone figure over /proc/zoneinfo: the free pages on each
 * CPU's list ("count:").
 */
static long zoneinfo_sum(const char *name)
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
 * Sum over the zones of a watermark ("min", "low", "high") as a movable
 * allocation meets it, in pages: a lower zone is used only above its
 * watermark plus what it keeps back from allocations that may use higher
 * zones (its last "protection", lowmem_reserve).  On a 6 GiB x86 guest
 * DMA32 keeps 2962 pages back: the fill, stopping at the plain sum, met
 * the OOM killer with DMA32 34440 kB free.  Zones without memory count
 * nothing.
 */
/*
 * The last value of a /proc/zoneinfo "protection: (...)" line (the
 * zone's lowmem_reserve for allocations that may use every zone), or -1
 * if @line is not one.
 */
static long protection_last(const char *line)
{
	const char *p = strstr(line, "protection: (");

	if (!p)
		return -1;
	p = strrchr(line, ',') ? strrchr(line, ',') + 1 :
		p + strlen("protection: (");
	return strtol(p, NULL, 10);
}

static long wmark_sum(const char *name)
{
	long val, wmark = 0, managed = 0, sum = 0, protection;
	char line[256], key[32];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %31s %ld", key, &val) == 2) {
			if (!strcmp(key, name))
				wmark = val;
			else if (!strcmp(key, "managed"))
				managed = val;
			continue;
		}
		protection = protection_last(line);
		if (protection < 0 || !managed)
			continue;
		sum += wmark + protection;
		wmark = 0;
		managed = 0;
	}
	fclose(f);
	return sum;
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
	long npages[MAX_CHUNKS];	/* pages written, from the first */
	int nchunks;
	int memfd;
	long want;			/* our pages wanted in lent blocks */
	long used;			/* and how many are there */
};

static uint64_t page_no(int chunk, size_t page)
{
	return (uint64_t)chunk * (CHUNK / sysconf(_SC_PAGESIZE)) + page;
}

/*
 * @small_pages: fault anonymous chunks in base pages.  A transparent huge
 * page borrows only a lent block that is wholly free, so near the
 * watermarks one 8 MiB chunk of them took regular memory from above the
 * high watermark to below the fill's floor with the lent block, a few
 * pages of it in use, left alone (one-area pool, one 2 MiB block).
 * @floor: with small pages, stop writing once regular free memory is down
 * to @floor: a chunk is more than the 1416 pages from the min watermarks
 * to the fill's floor (1 GiB x86 guest), and one started just above the
 * floor met the OOM killer.
 */
static int fill_chunk(struct fill *f, int with_file, int small_pages,
		      long floor)
{
	long psz = sysconf(_SC_PAGESIZE);
	int c = f->nchunks;
	char buf[4096] = { 0 };
	size_t i;

	if (with_file && (c & 1)) {
		for (i = 0; i < CHUNK / psz; i++) {
			if (small_pages && i && !(i % 64) &&
			    regular_free() <= floor)
				break;
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
		if (small_pages)
			madvise(p, CHUNK, MADV_NOHUGEPAGE);
		for (i = 0; i < CHUNK / psz; i++) {
			if (small_pages && i && !(i % 64) &&
			    regular_free() <= floor)
				break;
			*(uint64_t *)(p + i * psz) = pattern(page_no(c, i));
		}
		/*
		 * Written: no collapse by khugepaged from now on, which would
		 * fill the holes the tests punch again (976 pages between
		 * making room and using it, arm64 with 16 KiB pages) and move
		 * our pages out of the lent blocks they are counted in.
		 */
		madvise(p, CHUNK, MADV_NOHUGEPAGE);
		f->anon[c] = p;
	}
	f->npages[c] = i;
	f->nchunks++;
	return 0;
}

/*
 * Pages of chunk @c in the blocks @pfns: an anonymous chunk through its
 * own mapping, a page cache chunk through a read-only shared mapping of
 * the memfd (populating it maps the cached pages, it allocates none).
 */
static long chunk_pages_in_blocks(struct fill *f, int c, int pagemap,
				  const unsigned long *pfns, int nblocks)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	static uint64_t entries[CHUNK / 4096];
	long npages = f->npages[c], n = 0, i;
	char *p = f->anon[c];

	if (!p) {
		p = mmap(NULL, CHUNK, PROT_READ, MAP_SHARED | MAP_POPULATE,
			 f->memfd, (off_t)(c * CHUNK));
		if (p == MAP_FAILED)
			return 0;
	}
	if (pread(pagemap, entries, npages * sizeof(entries[0]),
		  (off_t)((uintptr_t)p / psz * sizeof(entries[0]))) ==
	    (ssize_t)(npages * sizeof(entries[0])))
		for (i = 0; i < npages; i++)
			n += (entries[i] & (1ULL << 63)) &&
			     pfn_in_blocks(entries[i] & ((1ULL << 55) - 1),
					   pfns, nblocks, block_pages);
	if (!f->anon[c])
		munmap(p, CHUNK);
	return n;
}

/*
 * Free lent pages, per-cpu lists included: the test driver (if there is
 * one) drains those lists, and the per-cpu vmstat diffs are folded in.
 * @buf gets what the driver said.
 */
static long free_lent_drained(char *buf, size_t size)
{
	if (driver_command(ALLOC_PROBE, "drain", buf, size))
		snprintf(buf, size, "no test driver: per-cpu lists not drained\n");
	write_long("/proc/sys/vm/stat_refresh", 1);
	return vmstat_val("nr_free_swiotlb");
}

/*
 * Fill until our own pages use all but 1/@part of the lent pages free now,
 * or, for @part 0, until no lent page is left free (per-cpu lists
 * included), and in any case no later than that.  Movable
 * allocations must borrow lent pages before regular memory falls below
 * the high watermarks, so stop, before the OOM killer would, once regular
 * free memory is down to half-way between the min watermarks and that
 * (also within a chunk near it).
 *
 * The pages are counted where they are (pagemap), not as lent pages gone
 * from the free lists: those go to per-cpu lists first, in refills of up
 * to 2016 pages (504 lent ones queued behind 1512 regular ones, for the
 * next chunk to use), and with pcp high limits of thousands of pages a
 * whole 2 MiB lent block sat on the list of the CPU the fill had just
 * left, while the fill took regular pages on the other one.  So the lists
 * are drained first (the test driver, if there is one) and the fill stays
 * on one CPU.
 *
 * Returns how many of our pages are in lent blocks, or -1.
 */
static long fill_until_borrowed(struct fill *f, int part, int with_file)
{
	long high = wmark_sum("high");
	long floor = (wmark_sum("min") + high) / 2;
	long near = high + 2 * (long)(CHUNK / sysconf(_SC_PAGESIZE));
	unsigned long pfns[MAX_BLOCKS];
	int nblocks = reserve_blocks(pfns, MAX_BLOCKS), pagemap;
	long want, used = 0;
	cpu_set_t cpus, one;
	char buf[128];

	f->nchunks = 0;
	f->want = 0;
	f->used = 0;
	f->memfd = with_file ? memfd_create("swiotlb_lend", 0) : -1;
	if (with_file && f->memfd < 0)
		return -1;
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0 || sched_getaffinity(0, sizeof(cpus), &cpus)) {
		if (pagemap >= 0)
			close(pagemap);
		if (f->memfd >= 0)
			close(f->memfd);
		f->memfd = -1;
		return -1;
	}
	CPU_ZERO(&one);
	if (sched_getcpu() >= 0) {
		CPU_SET(sched_getcpu(), &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	want = free_lent_drained(buf, sizeof(buf));
	want -= part ? want / part : 0;
	while ((!part || used < want) && f->nchunks < MAX_CHUNKS) {
		long regular = regular_free();

		/*
		 * None left on the free lists: the last refill may hold some
		 * on this CPU's list, which the next chunk would use.
		 */
		if (regular <= floor ||
		    (!vmstat_val("nr_free_swiotlb") &&
		     !free_lent_drained(buf, sizeof(buf))))
			break;
		if (fill_chunk(f, with_file, regular < near, floor))
			break;
		used += chunk_pages_in_blocks(f, f->nchunks - 1, pagemap,
					      pfns, nblocks);
	}
	sched_setaffinity(0, sizeof(cpus), &cpus);
	close(pagemap);
	f->want = want;
	f->used = used;
	ksft_print_msg("filled %d MiB: %ld pages in lent blocks (goal %ld), lent free %ld, regular free %ld (floor %ld); %s",
		       f->nchunks * (int)(CHUNK >> 20), used, want,
		       vmstat_val("nr_free_swiotlb"), regular_free(), floor,
		       buf);
	return used;
}

/* Pages whose pattern word is wrong. */
static size_t fill_check(struct fill *f)
{
	long psz = sysconf(_SC_PAGESIZE);
	char buf[4096];
	size_t i, bad = 0;
	int c;

	for (c = 0; c < f->nchunks; c++) {
		for (i = 0; i < (size_t)f->npages[c]; i++) {
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

TEST_F_TIMEOUT(lend, reserve_lent_at_boot, QUICK)
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
	/*
	 * And free, in the buddy lists where it counts: not parked on the
	 * per-CPU list of the CPU that lent it (which left a 4 MiB reserve
	 * with no free lent page at all).  Some is used by the time this
	 * runs, in general: measured all of it free with 4 MiB and 64 MiB.
	 */
	ksft_print_msg("nr_free_swiotlb %ld kB\n",
		       vmstat_val("nr_free_swiotlb") * page_kb());
	EXPECT_GE(vmstat_val("nr_free_swiotlb") * page_kb(), lent * 3 / 4);

	/* The reserve, and nothing else, shows up as Swiotlb pageblocks. */
	EXPECT_EQ(swiotlb_pageblocks() * block_kb, total);

	/* debugfs agrees: reserve and lent blocks, lent slots of 2 KiB. */
	n = reserve_blocks(pfns, MAX_BLOCKS);
	EXPECT_EQ(n * block_kb, total);
	EXPECT_EQ(lent_block_count() * block_kb, lent);
	lent_nslabs = read_long(SWIOTLB_DEBUGFS "io_tlb_lent_nslabs");
	EXPECT_EQ(lent_nslabs * 2, lent);
	/* io_tlb_nslabs counts every slot: the base pool and the reserve. */
	nslabs = read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs");
	EXPECT_GT(nslabs * 2, total);
	/* No bounce buffer is in use at idle, lent slots are not "used". */
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_used"), 0);
}

/*
 * Free pages of the Swiotlb migratetype on the buddy free lists, from the
 * per-order counts of /proc/pagetypeinfo, or -1.
 */
static long swiotlb_free_list_pages(void)
{
	char line[1024], *tok, *save;
	long sum = 0, n;
	int order, found = 0;
	FILE *f = fopen("/proc/pagetypeinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* "Node 0, zone DMA32, type Swiotlb n0 n1 ..." */
		if (strncmp(line, "Node", 4) || !strstr(line, " Swiotlb "))
			continue;
		tok = strtok_r(strstr(line, " Swiotlb ") + 9, "\n\t ", &save);
		for (order = 0; tok; order++) {
			n = strtol(tok, NULL, 10);
			sum += n << order;
			tok = strtok_r(NULL, "\n\t ", &save);
		}
		found = 1;
	}
	fclose(f);
	return found ? sum : -1;
}

/*
 * nr_free_swiotlb counts exactly the free lent pages on the buddy free
 * lists.  The two files are read one after the other while the system
 * runs, so look a few times for a moment when nothing moved.
 */
TEST_F_TIMEOUT(lend, free_lent_pages_accounted, QUICK)
{
	long counted = -1, listed = -1;
	int i;

	for (i = 0; i < 20; i++) {
		/* Fold the per-cpu deltas /proc/vmstat would leave out. */
		write_long("/proc/sys/vm/stat_refresh", 1);
		counted = vmstat_val("nr_free_swiotlb");
		listed = swiotlb_free_list_pages();
		if (counted == listed &&
		    counted == vmstat_val("nr_free_swiotlb"))
			break;
		usleep(50000);
	}
	ksft_print_msg("nr_free_swiotlb %ld, Swiotlb free lists %ld pages\n",
		       counted, listed);
	ASSERT_GT(listed, 0);
	EXPECT_EQ(counted, listed);
}

TEST_F_TIMEOUT(lend, movable_memory_uses_lent_pages, LONG)
{
	static struct fill f;
	/* Anonymous memory and page cache until half the lent pages are used. */
	fill_until_borrowed(&f, 2, 1);
	ASSERT_GT(f.want, 0);
	EXPECT_GE(f.used, f.want);
	EXPECT_EQ(fill_check(&f), 0);
	fill_free(&f);
}

TEST_F_TIMEOUT(lend, movable_probe_uses_lent_pages, LONG)
{
	long free_before, pages, lent, foreign, left;

	write_long("/proc/sys/vm/stat_refresh", 1);
	free_before = vmstat_val("nr_free_swiotlb");

	if (alloc_probe("movable", &pages, &lent, &foreign, &left))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("movable: %ld pages, %ld from lent blocks\n",
		       pages, lent);
	ksft_print_msg("nr_free_swiotlb was %ld, %ld when refused\n",
		       free_before, left);
	EXPECT_GT(pages, 0);
	EXPECT_GT(lent, 0);
	EXPECT_EQ(foreign, 0);
	/*
	 * Refused only once no lent page was free, per-cpu lists included.
	 * Not "lent >= free_before": other tasks allocate movable memory
	 * during the probe and may take lent pages first, which are then in
	 * use, not free.  (A probe that did not drain the per-cpu lists
	 * came back 392 of 8191 lent pages short on arm64.)
	 */
	EXPECT_EQ(left, 0);
}

/*
 * The first zone with free lent pages (the reserve lies in one), from
 * /proc/zoneinfo with the vmstat counters folded first: its free, free
 * lent and free CMA pages, its high watermark and last "protection"
 * (what a movable allocation meets), its per-cpu batch and vmstat
 * threshold, and the free pages of the zones after it.  @headroom is
 * derived: regular free pages (free, not lent, not CMA) above the mark.
 */
struct lent_zone {
	long free, lent, cma, high, protection, batch, threshold;
	long higher_free, headroom;
};

static int lent_zone_read(struct lent_zone *best)
{
	struct lent_zone z = { 0 };
	char line[256], key[32];
	FILE *f;
	int found = 0;
	long val;

	write_long("/proc/sys/vm/stat_refresh", 1);
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	memset(best, 0, sizeof(*best));
	for (;;) {
		int eof = !fgets(line, sizeof(line), f);

		if (eof || !strncmp(line, "Node", 4)) {
			if (found) {
				best->higher_free += z.free;
			} else if (z.lent > 0) {
				*best = z;
				found = 1;
			}
			memset(&z, 0, sizeof(z));
			if (eof)
				break;
			continue;
		}
		val = protection_last(line);
		if (val >= 0) {
			z.protection = val;
			continue;
		}
		if (sscanf(line, " vm stats threshold: %ld", &val) == 1) {
			z.threshold = val;
			continue;
		}
		if (sscanf(line, " %31s %ld", key, &val) != 2)
			continue;
		if (!strcmp(key, "nr_free_pages"))
			z.free = val;
		else if (!strcmp(key, "nr_free_swiotlb"))
			z.lent = val;
		else if (!strcmp(key, "nr_free_cma"))
			z.cma = val;
		else if (!strcmp(key, "high"))
			z.high = val;
		else if (!strcmp(key, "batch:") && !z.batch)
			z.batch = val;
	}
	fclose(f);
	best->headroom = best->free - best->lent - best->cma -
			 (best->high + best->protection);
	return found ? 0 : -1;
}

static void no_watermark_boost(struct __test_metadata *_metadata,
			       FIXTURE_DATA(lend) *self);

/* Write a byte to pages [*touched, end) of @p, at most up to @max. */
static void touch_pages(char *p, long *touched, long end, long max)
{
	long psz = sysconf(_SC_PAGESIZE);

	for (; *touched < end && *touched < max; (*touched)++)
		p[*touched * psz] = 1;
}

/*
 * Drop up to @want of the pages [*from, end) of @p that are in the
 * reserve (@lent) or not (regular memory), from *from on.
 */
static void drop_pages(char *p, long *from, long end, long want, int lent,
		       int pagemap)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	unsigned long pfns[MAX_BLOCKS], pfn;
	int nblocks = reserve_blocks(pfns, MAX_BLOCKS);
	long dropped = 0;

	for (; *from < end && dropped < want; (*from)++) {
		pfn = virt_to_pfn(pagemap, p + *from * psz);
		if (!pfn ||
		    pfn_in_blocks(pfn, pfns, nblocks, block_pages) != lent)
			continue;
		madvise(p + *from * psz, psz, MADV_DONTNEED);
		dropped++;
	}
}

static int wait_all_lent(double timeout);
static long worker_stat(const char *key);
static long lru_holders_after_worker(void);

/*
 * Movable allocations take regular memory down to the zone's high
 * watermark, then lent pages first.  The per-cpu lists are refilled in
 * batches of up to batch << CONFIG_PCP_BATCH_SCALE_MAX pages (2016 with
 * 4 KiB pages and the default 5), one decision each: a refill decided as
 * a whole just above the mark took regular memory that far below it,
 * with lent pages free (the virtio-blk scenario's tmpfs fill, arm64,
 * stopped at its floor with 1902 lent pages of 8192 free).
 *
 * Refills reach that size only after several in a row with no page
 * freed on the CPU in between (they double from one batch, and reading
 * /proc/zoneinfo frees a buffer), so the mark is approached in one
 * stretch without looking, from four refills above it to a refill past
 * it, on one CPU, with the per-cpu lists as long as the kernel allows
 * (an eighth of the zone; a 1 GiB x86 guest's default lists kept refills
 * to a few hundred pages).  Where the crossing refill falls is chance, so
 * the mark is crossed three times, our pages given back in between, and
 * the worst undershoot counts.  Allowed below the mark: two batches, for
 * the fill's other allocations, and the per-cpu differences of the two
 * counters the kernel decides by (free pages, free lent pages), up to the
 * vmstat threshold on each CPU (125 with kswapd awake).  Above the mark
 * no lent page may go, bar those differences.
 */
TEST_F_TIMEOUT(lend, refills_borrow_at_high_watermark, LONG)
{
	long psz = sysconf(_SC_PAGESIZE), give_back = (32L << 20) / psz;
	long refill, headroom, n_pages, touched = 0, given = 0, worst = 0;
	long stretch, lent_before, lent_gone = 0, drift, i;
	int tries, crossings = 0, above, pagemap;
	struct lent_zone z;
	cpu_set_t cpus, one;
	char buf[128], *p;

	if (access(ALLOC_PROBE, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST): %s",
		     "nothing drains the per-cpu lists");
	/* No block changing hands (it drains the lists) while we fill. */
	ASSERT_EQ(wait_all_lent(60), 0);
	ASSERT_GE(self->pcp_high_fraction, 0);
	ASSERT_GE(self->proactiveness, 0);
	ASSERT_EQ(write_long(PCP_HIGH_FRACTION, 8), 0);
	ASSERT_EQ(write_long(PROACTIVENESS, 0), 0);
	no_watermark_boost(_metadata, self);
	free_lent_drained(buf, sizeof(buf));
	if (lent_zone_read(&z))
		SKIP(return, "no free lent pages");
	ASSERT_GT(z.batch, 0);
	refill = z.batch << 5;
	if (z.higher_free > 0)
		SKIP(return, "memory above the lent zone (%ld pages free) %s",
		     z.higher_free, "is used first");
	if (z.lent < 2 * refill + z.batch)
		SKIP(return, "%ld free lent pages: too few for a refill past the mark", z.lent);
	headroom = z.headroom;
	ksft_print_msg("lent zone: %ld pages free, %ld of them lent, %s\n",
		       z.free, z.lent, "high watermark and protection:");
	ksft_print_msg("%ld + %ld, %ld pages above the mark\n",
		       z.high, z.protection, headroom);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);
	/* Room for our regular memory and eight tries past the mark. */
	n_pages = (headroom > 0 ? headroom : 0) +
		  8 * (give_back + 6 * refill);
	p = mmap(NULL, n_pages * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(p, MAP_FAILED);
	madvise(p, n_pages * psz, MADV_NOHUGEPAGE);
	/*
	 * Page tables first (a page touched and dropped leaves its table):
	 * a table faulted in during a stretch is an unmovable allocation,
	 * whose per-cpu list, drained between tries, is refilled with as
	 * many regular pages as the movable one (the refill size is per
	 * CPU), and never borrows: 479 pages below the mark on arm64 with
	 * 16 KiB pages, whose tables each cover 32 MiB.
	 */
	for (i = 0; i < n_pages; i += psz / sizeof(uint64_t)) {
		p[i * psz] = 1;
		madvise(p + i * psz, psz, MADV_DONTNEED);
	}
	ASSERT_EQ(sched_getaffinity(0, sizeof(cpus), &cpus), 0);
	ASSERT_GE(sched_getcpu(), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);

	for (tries = 0; tries < 8 && crossings < 3; tries++) {
		long under;

		/*
		 * Four refills above the mark, skipping ahead while far; the
		 * counters are folded at each read, so that the kernel's
		 * view of them at the crossing differs from the true one by
		 * this CPU's part only.
		 */
		if (lent_zone_read(&z))
			break;
		lent_before = z.lent;
		headroom = z.headroom;
		while (headroom > 5 * refill && touched < n_pages) {
			touch_pages(p, &touched,
				    touched + headroom - 4 * refill, n_pages);
			if (lent_zone_read(&z))
				break;
			headroom = z.headroom;
		}
		if (touched >= n_pages)
			break;
		/* Above the mark lent pages stay free (bar counter drift). */
		if (lent_before - z.lent > lent_gone)
			lent_gone = lent_before - z.lent;
		/*
		 * A crossing counts if it began two refills or more above
		 * the mark: then the one that crosses is a full one.
		 */
		above = headroom >= 2 * refill;
		stretch = touched;
		touch_pages(p, &touched,
			    touched + (headroom > 0 ? headroom : 0) + refill +
			    z.batch, n_pages);
		if (lent_zone_read(&z))
			break;
		under = z.headroom;
		ksft_print_msg("try %d: from %ld pages above the high watermark to %ld below it,\n",
			       tries, headroom, -under);
		ksft_print_msg("  %ld lent pages free, vmstat threshold %ld%s\n",
			       z.lent, z.threshold,
			       above ? "" : " (began too close to it: not counted)");
		if (above) {
			crossings++;
			if (-under > worst)
				worst = -under;
		}
		/*
		 * Memory back: the lent pages this stretch took, our regular
		 * pages up to a few refills above the mark, and the per-cpu
		 * lists drained into the buddy.
		 */
		drop_pages(p, &stretch, touched, LONG_MAX, 1, pagemap);
		drop_pages(p, &given, touched, give_back, 0, pagemap);
		free_lent_drained(buf, sizeof(buf));
	}
	sched_setaffinity(0, sizeof(cpus), &cpus);
	close(pagemap);
	munmap(p, n_pages * psz);
	drift = z.threshold * sysconf(_SC_NPROCESSORS_ONLN);
	ksft_print_msg("%d crossings, at worst %ld pages below the mark;\n",
		       crossings, worst);
	ksft_print_msg("  batch %ld, refills up to %ld, vmstat drift up to %ld a counter;\n",
		       z.batch, refill, drift);
	ksft_print_msg("  up to %ld lent pages gone above it\n", lent_gone);
	ASSERT_EQ(crossings, 3);
	EXPECT_LE(worst, 2 * z.batch + 2 * drift);
	EXPECT_LE(lent_gone, 2 * drift);
}

TEST_F_TIMEOUT(lend, unmovable_never_uses_lent_pages, LONG)
{
	long free_before = vmstat_val("nr_free_swiotlb"), pages, lent, foreign;

	if (alloc_probe("unmovable", &pages, &lent, &foreign, NULL))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("unmovable: %ld pages, %ld from lent blocks\n",
		       pages, lent);
	EXPECT_GT(pages, 0);
	EXPECT_EQ(lent, 0);
	EXPECT_EQ(foreign, 0);
	/* Exhausting memory with them left the lent pages alone. */
	EXPECT_GE(vmstat_val("nr_free_swiotlb"), free_before * 9 / 10);
}

TEST_F_TIMEOUT(lend, pin_allocations_never_use_lent_pages, LONG)
{
	long pages, lent, foreign;

	if (alloc_probe("pin", &pages, &lent, &foreign, NULL))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("pin: %ld pages, %ld from lent blocks\n", pages, lent);
	EXPECT_GT(pages, 0);
	EXPECT_EQ(lent, 0);
	EXPECT_EQ(foreign, 0);
}

/*
 * Only the owner may take a lent block back with alloc_contig_range(),
 * and taking it migrates the user pages in it: fill memory so that the
 * block holds ours, let the test driver take it as a stranger (refused)
 * and as its owner (done), and check our data.
 */
TEST_F_TIMEOUT(lend, contig_range_only_for_owner, LONG)
{
	static struct fill f;
	char buf[128];
	unsigned long pfn;
	int fields, stranger, owner;

	if (access(ALLOC_PROBE, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	fill_until_borrowed(&f, 4, 0);
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

/*
 * A lent block freed whole (a borrowed THP) goes straight back to the
 * buddy lists, where a mapping that finds no slot takes a free lent block
 * back at once; parked on this CPU's per-cpu list it would be hidden from
 * that until a drain.  The test driver frees the first lent block as one
 * page of pageblock order and counts the free lent pages that added to
 * the buddy lists and the pages freed to its CPU's per-cpu list (which,
 * when that list is full, reaches the buddy lists by a flush: only the
 * second count tells the paths apart then).  Any block taken back while
 * the driver looks (held worker, hold 1) would spoil the counts.
 */
TEST_F_TIMEOUT(lend, freed_lent_thp_goes_to_buddy_lists, QUICK)
{
	long to_buddy = 0, pcp_freed = 0;
	unsigned long pfn = 0, pages = 0;
	char buf[128];
	int fields = 0, err = -EBUSY, tries;

	if (access(ALLOC_PROBE, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	/* A page of the block held by a pfn walker: try another time. */
	for (tries = 0; tries < 3 && err == -EBUSY; tries++) {
		ASSERT_EQ(driver_command(ALLOC_PROBE, "thp", buf, sizeof(buf)), 0);
		ksft_print_msg("%s", buf);
		fields = sscanf(buf, "thp pfn=%lx pages=%lu err=%d to_buddy=%ld pcp_freed=%ld",
				&pfn, &pages, &err, &to_buddy, &pcp_freed);
	}
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ASSERT_EQ(fields, 5);
	if (err == -EOPNOTSUPP)
		SKIP(return, "no per-cpu frees of pageblock order, or tagged pages");
	ASSERT_NE(pfn, 0);
	ASSERT_EQ(err, 0);
	/*
	 * The whole block and no page through the per-cpu list in every
	 * run; another CPU allocating lent pages between the driver's two
	 * reads could only lower the first, and a page freed to this CPU's
	 * list by an interrupt meanwhile raise the second by one.  Through
	 * the per-cpu list, pcp_freed is the whole block.
	 */
	EXPECT_GE(to_buddy, (long)pages / 2);
	EXPECT_LT(pcp_freed, (long)pages / 2);
}

#define PIN_PAGES 64

TEST_F_TIMEOUT(lend, longterm_pin_moves_page_out, LONG)
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

	nblocks = reserve_blocks(pfns, MAX_BLOCKS);
	ASSERT_GT(nblocks, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);

	/* Fill memory until anonymous pages land in lent blocks. */
	fill_until_borrowed(&f, 2, 0);
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
TEST_F_TIMEOUT(lend, direct_dma_of_lent_pages, LONG)
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
	nblocks = reserve_blocks(pfns, MAX_BLOCKS);
	ASSERT_GT(nblocks, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);

	fill_until_borrowed(&f, 2, 0);
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

/* What reading the direct and lookup results gives, in parts. */
#define DIRECT_TIMES	"loops=%ld outside_ps=%ld inside_ps=%23s"
#define DIRECT_COUNTS	" bounced=%ld failed=%ld need_sync=%ld"
#define LOOKUP_PAGES	"lookup lent=%ld foreign=%ld owned=%ld"
#define LOOKUP_ANSWERS	" find_pool=%ld need_sync=%ld control=%ld"

/*
 * A device that does not bounce maps a page borrowed from a lent block
 * directly, and syncing and unmapping it leaves swiotlb alone: the test
 * driver maps, syncs and unmaps such a page, and one outside the pool,
 * a thousand times each, at an offset inside a slot and with the device's
 * min_align_mask set, so that an unmap that took the page for a bounce
 * buffer would free a slot and change io_tlb_used.
 */
TEST_F_TIMEOUT(lend, direct_map_of_lent_page, LONG)
{
	long used_before = read_long(SWIOTLB_DEBUGFS "io_tlb_used");
	long loops, outside, bounced, failed, need_sync;
	char buf[160], inside[24], cmdline[1024];
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
	n = sscanf(buf, DIRECT_TIMES DIRECT_COUNTS, &loops, &outside, inside,
		   &bounced, &failed, &need_sync);
	ASSERT_EQ(n, 6);
	EXPECT_EQ(loops, 1000);
	EXPECT_STRNE(inside, "none");
	EXPECT_EQ(bounced, 0);
	EXPECT_EQ(failed, 0);
	EXPECT_EQ(need_sync, 0);
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_used"), used_before);
	/* Writing nonsense is refused. */
	EXPECT_NE(driver_command(DIRECT, "0", buf, sizeof(buf)), 0);
	EXPECT_NE(driver_command(DIRECT, "lots", buf, sizeof(buf)), 0);
}

/*
 * What unmap and sync ask of an address: for every lent page the test
 * driver can allocate, swiotlb_find_pool() and dma_direct_need_sync() must
 * say "not a bounce buffer", and for a real bounce buffer they must not.
 * Runs whether or not swiotlb bounces everything.
 */
TEST_F_TIMEOUT(lend, lent_pages_are_not_bounce_buffers, LONG)
{
	long free_before = vmstat_val("nr_free_swiotlb");
	long lent, foreign, owned, find_pool, need_sync, control;
	char buf[160];
	int n;

	if (driver_command(ALLOC_PROBE, "lookup", buf, sizeof(buf)))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("%s", buf);
	n = sscanf(buf, LOOKUP_PAGES LOOKUP_ANSWERS, &lent, &foreign, &owned,
		   &find_pool, &need_sync, &control);
	ASSERT_EQ(n, 6);
	EXPECT_GE(lent, free_before);
	EXPECT_EQ(foreign, 0);
	EXPECT_EQ(owned, 0);
	EXPECT_EQ(find_pool, 0);
	EXPECT_EQ(need_sync, 0);
	EXPECT_EQ(control, 1);
}

/* Reclaim on demand, re-lend at idle */

struct burst_result {
	long held, mapped, failed, verify_errors, waits, max_us, total_us;
	long unowned, min_fail_us, bridged, misaligned;
};

/* What reading the burst file gives, in two parts for the line length. */
#define BURST_COUNTS	"held=%ld mapped=%ld failed=%ld verify_errors=%ld"
#define BURST_TIMES	" waits=%ld max_map_us=%ld total_map_us=%ld"
#define BURST_CHECKS	" unowned=%ld min_fail_us=%ld bridged=%ld misaligned=%ld"

/* Run a burst command; the result, or -1 if the driver is not there. */
static int burst(const char *cmd, struct burst_result *r)
{
	char buf[256];

	if (driver_command(BURST, cmd, buf, sizeof(buf)))
		return -1;
	ksft_print_msg("%s: %s", cmd, buf);
	if (sscanf(buf, BURST_COUNTS BURST_TIMES BURST_CHECKS, &r->held,
		   &r->mapped, &r->failed, &r->verify_errors, &r->waits,
		   &r->max_us, &r->total_us, &r->unowned, &r->min_fail_us,
		   &r->bridged, &r->misaligned) != 11)
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

/*
 * The start of a test of bursts: skip without the test driver, then wait
 * up to @timeout seconds for the whole reserve to be lent and read the
 * pool's shape.  Returns -1 when the test skips.
 */
static int burst_setup(struct __test_metadata *_metadata, double timeout,
		       long *base, long *reserve)
{
	if (access(BURST, W_OK))
		SKIP(return -1, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(wait_all_lent(timeout), 0);
	pool_slots(base, reserve);
	return 0;
}

/*
 * A sleepable mapping that cannot get slots fails lend_wait_ms after its
 * first wait, plus at most one 10 ms slice it may be sleeping in when the
 * deadline passes, plus wake-up latency.  Under TCG guest time runs with
 * the host's, so a vCPU the host does not run meanwhile stretches it:
 * measured 104.0 ms for the 100 ms default with the guest alone on two
 * cores, 146.6 ms with a second guest running beside it, and 155.9 ms in
 * a whole make test (the slowest of eight failed mappings).  Twice the
 * bound (the wait-overshoots-bound mutant) stays well outside.
 */
#define WAIT_SLACK_MS	80

/* A burst of 64 KiB mappings covering @slots slots (2 KiB each). */
#define BURST_SIZE	65536
static long burst_count(long slots)
{
	return slots * 2048 / BURST_SIZE;
}

/* lend_worker's bridge_lookup: 0 off, 1 being patched in, 2 on. */
#define LOOKUP_ON	2

/* Poll up to @timeout seconds for bridge_lookup to read @state. */
static long wait_bridge_lookup(long state, double timeout)
{
	long now = worker_stat("bridge_lookup");
	int tries;

	for (tries = 0; now != state && tries < timeout * 10; tries++) {
		usleep(100000);
		now = worker_stat("bridge_lookup");
	}
	return now;
}

/*
 * Map one buffer with the driver's sg interface (DMA_ATTR_MAY_SLEEP, bounced
 * with swiotlb=force) and unmap it: the entries mapped, -1 on error.
 */
static long sg_map_one(struct __test_metadata *_metadata)
{
	long ents, us, scoped;
	char cmd[32], buf[128];

	snprintf(cmd, sizeof(cmd), "1 %d 0", BURST_SIZE);
	if (driver_command(SG, cmd, buf, sizeof(buf)))
		return -1;
	ksft_print_msg("sg %s: %s", cmd, buf);
	if (sscanf(buf, "ents=%ld us=%ld scoped=%ld", &ents, &us, &scoped) != 3)
		return -1;
	EXPECT_EQ(scoped, 0);
	return ents;
}

/*
 * Bridges are freed at unmap, never kept: within 5 s (another device's may
 * be in flight) no transient slot is left and io_tlb_used is @used0 again.
 */
static void expect_bridges_freed(struct __test_metadata *_metadata,
				 long used0)
{
	int tries;

	for (tries = 0; tries < 50 && (read_long(TRANSIENT) ||
				       read_long(USED) != used0); tries++)
		usleep(100000);
	EXPECT_EQ(read_long(TRANSIENT), 0);
	EXPECT_EQ(read_long(USED), used0);
}

/*
 * The bridge lookup is patched in the first time the pool runs short with
 * blocks lent and bridging on, and nothing is bridged before it is: have
 * it on for a test of what bridges do (or do not do).  A burst of the
 * base pool, every take-back held, with bridging on for it; the buffers
 * come back intact, the pool as it was and, within @timeout seconds, the
 * whole reserve lent.  Nothing to do without bridges (no lend_bridge).
 */
static void prime_bridge_lookup(struct __test_metadata *_metadata, long base,
				double timeout)
{
	long bridge = read_long(BRIDGE), used0 = read_long(USED);
	struct burst_result r;
	char cmd[64];

	if (bridge < 0 || worker_stat("bridge_lookup") == LOOKUP_ON)
		return;
	ASSERT_EQ(write_long(BRIDGE, 1), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "map %ld %d bidi atomic", burst_count(base),
		 BURST_SIZE);
	EXPECT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(burst("release", &r), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ASSERT_EQ(write_long(BRIDGE, bridge), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.unowned, 0);
	expect_bridges_freed(_metadata, used0);
	ASSERT_EQ(wait_bridge_lookup(LOOKUP_ON, 5), LOOKUP_ON);
	ASSERT_EQ(wait_all_lent(timeout), 0);
}

/*
 * Give back our pages outside lent blocks until regular free memory is at
 * least @target pages: the reserve stays full of our memory.  Pages on
 * the per-cpu lists count: they are free memory to the allocator, and the
 * pages dropped here go there first (without them, room meant for 4 of 8
 * blocks let all 8 come back on arm64, free memory still above low).
 * With @from_end, from the last chunk backwards: the fill's last chunks
 * hold small pages, so the target is met within 16 pages; otherwise
 * checked every 64 pages, which it overshoots by that at most.
 */
static void drop_regular_until(struct fill *f, int pagemap, long target,
			       bool from_end)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	unsigned long pfns[MAX_BLOCKS], pfn;
	int nblocks = reserve_blocks(pfns, MAX_BLOCKS), n, c;
	long every = from_end ? 16 : 64, k, i;

	for (n = 0; n < f->nchunks; n++) {
		c = from_end ? f->nchunks - 1 - n : n;
		if (!f->anon[c])
			continue;
		for (k = 0; k < f->npages[c]; k++) {
			char *addr;

			i = from_end ? f->npages[c] - 1 - k : k;
			addr = f->anon[c] + i * psz;
			if (!(i % every) &&
			    regular_free() + zoneinfo_sum("count:") >= target)
				return;
			pfn = virt_to_pfn(pagemap, addr);
			if (pfn && !pfn_in_blocks(pfn, pfns, nblocks, block_pages))
				madvise(addr, psz, MADV_DONTNEED);
		}
	}
}

/*
 * Room above @target: drop_regular_until() counts the pages on the
 * per-cpu lists, which are free memory to the allocator, but the
 * take-back floor counts the buddy lists only, and a list may also hold
 * lent pages; it also reads the vmstat counters as they are, without the
 * per-cpu differences (about a hundred pages on a 6 GiB guest).  So the
 * lists are drained, the counters folded and the room checked again,
 * aiming higher by what was missing, a few times at most.  @buf gets what
 * the test driver said.  The callers measure the room themselves.
 */
static void make_room(struct fill *f, int pagemap, long target,
		      bool from_end, char *buf, size_t size)
{
	long aim = target, now;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		drop_regular_until(f, pagemap, aim, from_end);
		free_lent_drained(buf, size);
		now = regular_free();
		if (now >= target)
			break;
		aim += target - now;
	}
}

/*
 * Anonymous pages of @f that are in lent blocks are kept (their addresses
 * go to @kept); with @drop, all others are dropped so that migration has
 * room.
 */
static long keep_lent_pages(struct fill *f, int pagemap, char **kept,
			    long max, int drop)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	unsigned long pfns[MAX_BLOCKS], pfn;
	int nblocks = reserve_blocks(pfns, MAX_BLOCKS), c;
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
			else if (drop)
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
		for (i = 0; i < (size_t)f->npages[c]; i++)
			if (pread(f->memfd, buf, sizeof(buf),
				  (off_t)(c * CHUNK + i * psz)) != sizeof(buf) ||
			    *(uint64_t *)buf != pattern(page_no(c, i)))
				bad++;
	}
	return bad;
}

#define MAX_KEPT	1048576L

TEST_F_TIMEOUT(lend, burst_takes_reserve_back, LONG)
{
	long base, reserve, used, success, free_lent, nkept, count;
	struct burst_result r;
	static struct fill f;
	char cmd[64], **kept;
	int pagemap;

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);
	kept = calloc(MAX_KEPT, sizeof(*kept));
	ASSERT_NE(kept, NULL);

	/* The reserve full of user memory: anonymous and page cache. */
	fill_until_borrowed(&f, 8, 1);
	nkept = keep_lent_pages(&f, pagemap, kept, MAX_KEPT, 1);
	free_lent = vmstat_val("nr_free_swiotlb");
	used = reserve / 2 - free_lent;
	ksft_print_msg("reserve %ld pages: %ld in use (%ld anonymous kept), regular free %ld\n",
		       reserve / 2, used, nkept, regular_free());
	ASSERT_GE(used, reserve / 2 / 2);

	/*
	 * More than the base pool: three quarters of the reserve too, but
	 * for eight mappings.  The writeback of the page cache just written
	 * bounces too: with 16 KiB pages three quarters of the reserve are
	 * exactly three of its four blocks, and one slot of writeback in
	 * flight made the last mapping need the fourth, which had no room
	 * to come back (once in a make test).  Still three blocks needed.
	 */
	success = vmstat_val("swiotlb_lend_reclaim_success");
	count = burst_count(base + reserve * 3 / 4) - 8;
	snprintf(cmd, sizeof(cmd), "map %ld %d bidi sleep", count, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.held, count);
	EXPECT_GE(vmstat_val("swiotlb_lend_reclaim_success") - success,
		  reserve * 3 / 4 / (pages_per_block() * page_kb() / 2));
	EXPECT_LT(meminfo_kb("SwiotlbLent"), meminfo_kb("SwiotlbLendTotal"));
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	/* The worker's runs that took blocks back ended their hold. */
	EXPECT_EQ(lru_holders_after_worker(), 0);

	/* What was migrated out of the reserve is intact. */
	EXPECT_EQ(check_kept(&f, kept, nkept), 0);
	fill_free(&f);
	free(kept);
	close(pagemap);
}

/* hold_worker: hold the reclaim worker only, not map-time take-backs. */
#define HOLD_ONLY_WORKER	2
/* hold_worker: hold map-time take-backs only, not the worker. */
#define HOLD_ONLY_MAP_TIME	3

/*
 * A lent block with no page in use comes back at map time, in any
 * context and without the worker: with the worker held, an atomic burst
 * of the base pool and three quarters of the reserve maps in full once
 * every lent block is free, and the blocks it needed are counted in
 * taken_free.  To free them, the whole reserve is taken back first (it
 * migrates whatever earlier tests left there) and lent again after the
 * shortest grace period; above the high watermarks nothing borrows it
 * meanwhile.  Without map-time take-backs every atomic mapping past the
 * base pool failed.
 */
TEST_F_TIMEOUT(lend, free_blocks_come_back_at_map_time, LONG)
{
	long base, reserve, block_slots, lent_pages, free_lent, taken, count;
	long need;
	struct burst_result r;
	char cmd[64], buf[256];
	int tries;

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	block_slots = pages_per_block() * page_kb() / 2;

	ASSERT_EQ(write_long(WAIT_MS, 1000), 0);
	ASSERT_EQ(write_long(RELEND_DELAY, 100), 0);
	snprintf(cmd, sizeof(cmd), "burst %ld %d bidi sleep",
		 burst_count(base + reserve) - 1, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(wait_all_lent(60), 0);
	/*
	 * A block counts as lent just before its pages are freed, and they
	 * go to a per-cpu list first: drain until the last one is in.
	 */
	lent_pages = meminfo_kb("SwiotlbLent") / page_kb();
	for (tries = 0; tries < 10; tries++) {
		free_lent = free_lent_drained(buf, sizeof(buf));
		if (free_lent == lent_pages)
			break;
		usleep(100000);
	}
	ksft_print_msg("lent again: %ld of %ld lent pages free\n",
		       free_lent, lent_pages);
	ASSERT_EQ(free_lent, lent_pages);

	taken = worker_stat("taken_free");
	ASSERT_GE(taken, 0);
	count = burst_count(base + reserve * 3 / 4);
	/* Blocks past the base pool the burst needs: no more come back. */
	need = (count * BURST_SIZE / 2048 - base + block_slots - 1) / block_slots;
	snprintf(cmd, sizeof(cmd), "burst %ld %d to atomic", count, BURST_SIZE);
	ASSERT_EQ(write_long(HOLD_WORKER, HOLD_ONLY_WORKER), 0);
	EXPECT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	taken = worker_stat("taken_free") - taken;
	ksft_print_msg("%ld blocks taken at map time, %ld needed\n", taken, need);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.mapped, count);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.unowned, 0);
	EXPECT_GE(taken, need);
	EXPECT_LE(taken, need + 1);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * Fills down to the watermarks keep them where they are: a block stolen
 * for the fill boosts them by a pageblock until kswapd has reclaimed that
 * much, and with nothing to reclaim (no swap, page cache dropped) the
 * fill's next fault meets the OOM killer.  Measured on arm64 with 16 KiB
 * pages (32 MiB blocks, 1 GiB guest): min went from 37344 kB to 70112 kB
 * and the test was OOM-killed with 53 MiB free.  The teardown restores
 * the factor.  A boost an earlier test raised is dropped by writing the
 * scale factor again (the watermarks are set up anew, boost 0): left,
 * kswapd would drop it in the middle of the test, a block's room later.
 */
static void no_watermark_boost(struct __test_metadata *_metadata,
			       FIXTURE_DATA(lend) *self)
{
	ASSERT_GE(self->boost_factor, 0);
	ASSERT_GT(self->wmark_scale_factor, 0);
	ASSERT_EQ(write_long(BOOST_FACTOR, 0), 0);
	ASSERT_EQ(write_long(WMARK_SCALE_FACTOR,
			     read_long(WMARK_SCALE_FACTOR)), 0);
}

/*
 * With memory full of anonymous memory (no swap: nothing to reclaim) and
 * the reserve full of it too, a burst that needs the reserve back takes
 * back only what fits above the low watermark: then the take-back is
 * refused, and mappings fail as on a fixed pool of the base size.  Nobody
 * is OOM-killed to repay the loan (the worker used to migrate regardless,
 * and this test process was OOM-killed), memory stays above the low
 * watermark, and the memory in the reserve keeps its data.  Once memory
 * is freed, the same burst takes the reserve back.
 */
TEST_F_TIMEOUT(lend, tight_memory_take_back_fails_without_oom, LONG)
{
	long base, reserve, fails, oom, nkept, low, min, before, slack;
	long block_pages = pages_per_block(), needed, success, back;
	struct burst_result r;
	static struct fill f;
	char cmd[64], buf[128], **kept;
	int pagemap;

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);
	kept = calloc(MAX_KEPT, sizeof(*kept));
	ASSERT_NE(kept, NULL);

	ASSERT_EQ(write_long("/proc/sys/vm/drop_caches", 1), 0);
	/*
	 * Per-cpu lists of a few batches, fixed: with their high limits
	 * tuned up to thousands of pages, the migrations of three blocks
	 * moved 1500 free pages more from the buddy lists onto those lists,
	 * and the free memory the take-back floor counts fell below low
	 * with the pages still free.  The teardown restores them.
	 */
	ASSERT_GE(self->pcp_high_fraction, 0);
	ASSERT_EQ(write_long(PCP_HIGH_FRACTION, 1 << 20), 0);
	no_watermark_boost(_metadata, self);
	fill_until_borrowed(&f, 0, 0);
	/*
	 * The fill stops near the low watermarks, a few MiB above min: on
	 * arm64 the test's own page faults then met the OOM killer with
	 * every take-back refused.  Room above low for half the blocks the
	 * burst needs back instead (and half a block more): those come back,
	 * the others are refused.
	 */
	low = wmark_sum("low");
	min = wmark_sum("min");
	needed = (reserve / 2) * 2048 / (block_pages * page_kb() * 1024);
	ASSERT_GE(needed, 2);
	/*
	 * Our pages in the reserve first: writing their addresses faults in
	 * @kept, a transparent huge page (512 pages on x86) that, faulted
	 * after the room was made, left it 260 pages short.
	 */
	nkept = keep_lent_pages(&f, pagemap, kept, MAX_KEPT, 0);
	make_room(&f, pagemap,
		  low + (needed / 2) * block_pages + block_pages / 2, false,
		  buf, sizeof(buf));
	ksft_print_msg("%ld of our pages in lent blocks, regular free %ld, low %ld\n",
		       nkept, regular_free(), low);
	ASSERT_GT(nkept, 0);
	fails = vmstat_val("swiotlb_lend_reclaim_fail");
	success = vmstat_val("swiotlb_lend_reclaim_success");
	oom = vmstat_val("oom_kill");
	before = regular_free();
	/* Room for whole blocks only: the fill left none in the reserve. */
	ASSERT_GE(before, low + (needed / 2) * block_pages);

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve / 2), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	write_long("/proc/sys/vm/stat_refresh", 1);
	back = vmstat_val("swiotlb_lend_reclaim_success") - success;
	ksft_print_msg("mapped %ld, failed %ld, refused %ld, %ld of %ld blocks back\n",
		       r.mapped, r.failed,
		       vmstat_val("swiotlb_lend_reclaim_fail") - fails,
		       back, needed);
	ksft_print_msg("regular free %ld before, %ld now, low %ld, min %ld\n",
		       before, regular_free(), low, min);
	/*
	 * What fits above low comes back, not what does not.  With 32 MiB
	 * blocks (16 KiB pages) the burst needs 2 and a block's pages in use
	 * cost less than a full block of free memory (both came back for
	 * room of 1.5, free still above low): the split needs more blocks.
	 */
	EXPECT_GT(back, 0);
	if (needed >= 4) {
		EXPECT_LT(back, needed);
		EXPECT_GT(r.failed, 0);
	}
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_fail"), fails);
	EXPECT_EQ(vmstat_val("oom_kill"), oom);
	/*
	 * Not just above min: at min the next allocation of this very
	 * process (an open()) met the OOM killer on arm64.  Taking blocks
	 * back never brings free memory below the low watermarks.  Slack:
	 * a quarter of the distance to min, for the kernel's and the
	 * driver's own allocations (measured on x86: a take-back down to min
	 * ended 1234 pages below low, the distance to min is 1416 pages).
	 */
	slack = (low - min) / 4;
	ASSERT_GT(slack, 0);
	EXPECT_GE(regular_free() + zoneinfo_sum("count:") + slack, low);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(check_kept(&f, kept, nkept), 0);

	/*
	 * Room again: once every block's retry delay (a second at most) is
	 * over, the same burst maps and the reserve comes back.
	 */
	fill_free(&f);
	usleep(1200000);
	snprintf(cmd, sizeof(cmd), "burst %ld %d to sleep",
		 burst_count(base + reserve / 2), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(vmstat_val("oom_kill"), oom);
	free(kept);
	close(pagemap);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * Taking a block back migrates its pages in use to regular memory, not
 * into the next lent blocks, even while memory is short enough that
 * movable allocations borrow lent pages first: there they would be
 * migrated again when those blocks come back (the worker's migration
 * targets used to land there).  The reserve full of our memory, three
 * pages of four dropped from every lent block (room there), regular
 * memory between low and high (movable allocations borrow first), then
 * a burst takes back what fits: none of our pages may move from a block
 * taken back into one still lent.
 */
TEST_F_TIMEOUT(lend, take_back_moves_pages_out_of_the_reserve, LONG)
{
	long base, reserve, nkept = 0, n, k, low, high, target, used_per_block;
	long block_pages = pages_per_block(), psz = sysconf(_SC_PAGESIZE);
	long stayed = 0, migrated = 0, arrived = 0;
	unsigned long pfns[MAX_BLOCKS], *before, pfn;
	struct burst_result r;
	static struct fill f;
	char cmd[64], buf[128], **kept;
	int pagemap, nlent;

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);
	kept = calloc(MAX_KEPT, sizeof(*kept));
	before = calloc(MAX_KEPT, sizeof(*before));
	ASSERT_NE(kept, NULL);
	ASSERT_NE(before, NULL);
	ASSERT_EQ(write_long("/proc/sys/vm/drop_caches", 1), 0);
	/* Per-cpu lists fixed at a few batches, as for tight memory. */
	ASSERT_GE(self->pcp_high_fraction, 0);
	ASSERT_EQ(write_long(PCP_HIGH_FRACTION, 1 << 20), 0);
	/*
	 * Room between low and high for the pages in use of a block and a
	 * half, whatever the page and block size: the default gap (0.1% of
	 * memory) is less than a quarter of a 32 MiB block.  The fixture's
	 * teardown restores the factor.
	 */
	used_per_block = block_pages / 4;
	ASSERT_GT(self->wmark_scale_factor, 0);
	for (k = self->wmark_scale_factor; k <= 3000; k *= 2) {
		ASSERT_EQ(write_long(WMARK_SCALE_FACTOR, k), 0);
		if (wmark_sum("high") - wmark_sum("low") >=
		    3 * used_per_block)
			break;
	}
	low = wmark_sum("low");
	high = wmark_sum("high");
	ASSERT_GE(high - low, 3 * used_per_block);
	/*
	 * Compaction moves pages into lent blocks by design (they are
	 * movable targets, as CMA blocks are): not while we count moves.
	 */
	if (self->proactiveness > 0)
		ASSERT_EQ(write_long(PROACTIVENESS, 0), 0);
	no_watermark_boost(_metadata, self);

	fill_until_borrowed(&f, 0, 0);
	n = keep_lent_pages(&f, pagemap, kept, MAX_KEPT, 0);
	for (k = 0; k < n; k++) {
		if (k % 4) {
			madvise(kept[k], psz, MADV_DONTNEED);
			continue;
		}
		before[nkept] = virt_to_pfn(pagemap, kept[k]);
		ASSERT_NE(before[nkept], 0);
		kept[nkept++] = kept[k];
	}
	ASSERT_GT(nkept, 0);
	/*
	 * The holes' pages to the lent free lists first (on a per-cpu list
	 * they would count as regular memory below), then room above low
	 * for the pages in use of a block and a half, given back from the
	 * last chunks, which hold small pages: a huge page is 512 at once.
	 */
	free_lent_drained(buf, sizeof(buf));
	target = low + used_per_block * 3 / 2;
	make_room(&f, pagemap, target, true, buf, sizeof(buf));
	ksft_print_msg("%ld of our pages in lent blocks, regular free %ld, low %ld, high %ld\n",
		       nkept, regular_free(), low, high);
	/* Room for a block, and short of regular memory: borrowing first. */
	ASSERT_GE(regular_free(), low + used_per_block);
	ASSERT_LT(regular_free(), high);

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve / 2), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	/* No block changes hands while we look. */
	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	nlent = lent_blocks(pfns, MAX_BLOCKS);
	ASSERT_GE(nlent, 0);
	for (k = 0; k < nkept; k++) {
		pfn = virt_to_pfn(pagemap, kept[k]);
		ASSERT_NE(pfn, 0);
		if (pfn == before[k])
			stayed++;
		else if (pfn_in_blocks(pfn, pfns, nlent, block_pages))
			arrived++;
		else
			migrated++;
	}
	ksft_print_msg("mapped %ld, failed %ld; %d blocks still lent\n",
		       r.mapped, r.failed, nlent);
	ksft_print_msg("our pages: %ld stayed, %ld out of the reserve, %ld into lent blocks\n",
		       stayed, migrated, arrived);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	/* A block with our pages came back, some stayed lent. */
	EXPECT_GT(migrated + arrived, 0);
	EXPECT_GT(nlent, 0);
	EXPECT_EQ(arrived, 0);
	EXPECT_EQ(check_kept(&f, kept, nkept), 0);
	fill_free(&f);
	free(before);
	free(kept);
	close(pagemap);
	EXPECT_EQ(wait_all_lent(60), 0);
}

#define RECLAIM_EVENT	"/sys/kernel/tracing/events/swiotlb/swiotlb_lend_reclaim/enable"
#define TRACE		"/sys/kernel/tracing/trace"

/*
 * The worker takes blocks back to unblock I/O that waits for bounce
 * slots: nothing on its way may wait for I/O, so no direct reclaim (only
 * kswapd woken); __GFP_FS stays, without it page cache could not be
 * migrated.  The trace event says with which flags each block was taken.
 */
TEST_F_TIMEOUT(lend, take_back_runs_without_io, LONG)
{
	long base, reserve, events = 0, bad = 0;
	struct burst_result r;
	char cmd[64], line[512];
	FILE *trace;

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	if (access(RECLAIM_EVENT, W_OK))
		SKIP(return, "no swiotlb_lend_reclaim trace event (tracefs)");
	ASSERT_EQ(wait_all_lent(60), 0);
	pool_slots(&base, &reserve);
	trace = fopen(TRACE, "w");
	ASSERT_NE(trace, NULL);
	fclose(trace);
	ASSERT_EQ(write_long(RECLAIM_EVENT, 1), 0);

	snprintf(cmd, sizeof(cmd), "burst %ld %d to sleep",
		 burst_count(base + reserve / 4), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(write_long(RECLAIM_EVENT, 0), 0);
	EXPECT_EQ(r.failed, 0);

	trace = fopen(TRACE, "r");
	ASSERT_NE(trace, NULL);
	while (fgets(line, sizeof(line), trace)) {
		/* Refused take-backs (result=-12) do not migrate anything. */
		if (!strstr(line, "swiotlb_lend_reclaim:") ||
		    !strstr(line, " result=0 "))
			continue;
		events++;
		/* GFP_KERNEL, GFP_NOFS, GFP_NOIO print as such. */
		if (!strstr(line, " gfp=GFP_NOWAIT|__GFP_FS") ||
		    strstr(line, "GFP_KERNEL") || strstr(line, "GFP_NOFS") ||
		    strstr(line, "GFP_NOIO") || strstr(line, "__GFP_IO") ||
		    strstr(line, "__GFP_DIRECT_RECLAIM")) {
			bad++;
			ksft_print_msg("%s", line);
		}
	}
	fclose(trace);
	ksft_print_msg("%ld blocks taken back, %ld with direct reclaim or I/O\n",
		       events, bad);
	EXPECT_GT(events, 0);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(wait_all_lent(60), 0);
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

/* A counter of lend_worker ("reclaimed", "wait_failures", ...), or -1. */
static long worker_stat(const char *key)
{
	char line[128], name[64];
	long val, found = -1;
	FILE *f = fopen(SWIOTLB_DEBUGFS "lend_worker", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %ld", name, &val) == 2 &&
		    !strcmp(name, key)) {
			found = val;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Wait up to @timeout seconds until the worker has taken nothing back and
 * lent nothing for @quiet seconds: a burst's mappings may leave it going
 * on up to the high watermark.
 */
static int wait_worker_settled(double quiet, double timeout)
{
	double end = now_s() + timeout, since = now_s();
	long reclaimed = -2, relent = -2, r, l;

	while (now_s() < end) {
		r = vmstat_val("swiotlb_lend_reclaim_success");
		l = vmstat_val("swiotlb_lend_relend");
		if (r != reclaimed || l != relent) {
			reclaimed = r;
			relent = l;
			since = now_s();
		} else if (now_s() - since >= quiet) {
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

/*
 * lru_cache_disable() holders once the worker has settled.  A run of the
 * worker that tries to migrate a block, whether it succeeds or not, holds
 * one until the run ends, so its share is 0 by then; other holders (a
 * contiguous allocation, memory offlining, mbind() or move_pages()) end
 * too, so wait up to 5 s for 0.  The last value read: a hold the worker
 * kept stays positive, an lru_cache_enable() without its hold makes it
 * negative.  LONG_MIN, said why, when the worker did not settle or the
 * count cannot be read.
 */
static long lru_holders_after_worker(void)
{
	double end;
	long val;
	FILE *f;

	if (wait_worker_settled(1, 30)) {
		ksft_print_msg("the worker did not settle in 30 s\n");
		return LONG_MIN;
	}
	end = now_s() + 5;
	for (;;) {
		f = fopen(LRU_DISABLED, "r");
		if (!f) {
			ksft_print_msg("cannot open %s\n", LRU_DISABLED);
			return LONG_MIN;
		}
		if (fscanf(f, "%ld", &val) != 1) {
			ksft_print_msg("cannot read %s\n", LRU_DISABLED);
			val = LONG_MIN;
		}
		fclose(f);
		if (!val || now_s() >= end)
			return val;
		usleep(50000);
	}
}

#define RELEND_DELAY_MS	2000

/* Wait until @t (now_s() time); 0, or how long after @from a relend came. */
static double no_relend_until(double t, long relent, double from)
{
	while (now_s() < t) {
		if (vmstat_val("swiotlb_lend_relend") != relent)
			return now_s() - from;
		usleep(20000);
	}
	return 0;
}

/*
 * After a burst that needed the reserve, the blocks come back to the page
 * allocator once the pool has been quiet for the grace period, counted
 * from the last mapping that found it busy: not before, and not much
 * later.  Two bursts half a grace period apart: lending again a grace
 * period after the first (the worker's re-lend is queued then) would be
 * too early for the second.
 */
TEST_F_TIMEOUT(lend, reserve_lent_again_after_grace, LONG)
{
	long base, reserve, relent, reclaimed, total, held_lent;
	double mapped, early, took;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	total = meminfo_kb("SwiotlbLendTotal");
	ASSERT_EQ(write_long(RELEND_DELAY, RELEND_DELAY_MS), 0);
	relent = vmstat_val("swiotlb_lend_relend");
	reclaimed = vmstat_val("swiotlb_lend_reclaim_success");

	/*
	 * A quarter of the reserve is left free: below the high watermark
	 * (half the base), so the last mappings note the pool busy.
	 */
	snprintf(cmd, sizeof(cmd), "burst %ld %d to sleep",
		 burst_count(base + reserve * 3 / 4), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	early = no_relend_until(now_s() + RELEND_DELAY_MS / 2000.0, relent,
				now_s());
	EXPECT_EQ(early, 0);

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve * 3 / 4), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	mapped = now_s();
	EXPECT_EQ(r.failed, 0);
	held_lent = meminfo_kb("SwiotlbLent");
	EXPECT_LT(held_lent, total);
	ASSERT_EQ(burst("release", &r), 0);

	/*
	 * Nothing is lent again for three quarters of the grace period after
	 * the second burst's last mapping; the quarter left covers the time
	 * between that mapping and the moment the driver returned.
	 */
	early = no_relend_until(mapped + RELEND_DELAY_MS / 1000.0 * 3 / 4,
				relent, mapped);
	EXPECT_EQ(early, 0) {
		TH_LOG("lent again %.2f s after the last mapping, grace %d ms",
		       early, RELEND_DELAY_MS);
	}

	/* Idle now: lent again after the grace period (and TCG slack). */
	EXPECT_EQ(wait_all_lent(RELEND_DELAY_MS / 1000.0 + 20), 0);
	took = now_s() - mapped;
	ksft_print_msg("lent again %.2f s after the last mapping (grace %d ms)\n",
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
}

/*
 * Hysteresis: a load that has brought the worker to take blocks back, and
 * stays between the watermarks, lends nothing again however long it
 * lasts (the worker stops taking back at the high watermark, less than a
 * block above it, and lends again only a block above it), and once the
 * worker has settled it takes nothing more back either.
 */
TEST_F_TIMEOUT(lend, load_between_watermarks_moves_nothing, LONG)
{
	long base, reserve, relent, reclaimed, fails;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	ASSERT_EQ(write_long(RELEND_DELAY, 1000), 0);
	relent = vmstat_val("swiotlb_lend_relend");

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve / 2), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	ASSERT_EQ(wait_worker_settled(1.5, 30), 0);
	reclaimed = vmstat_val("swiotlb_lend_reclaim_success");
	fails = vmstat_val("swiotlb_lend_reclaim_fail");
	EXPECT_LT(meminfo_kb("SwiotlbLent"), meminfo_kb("SwiotlbLendTotal"));

	/* Three more grace periods with the load held. */
	sleep(3);
	EXPECT_EQ(vmstat_val("swiotlb_lend_relend"), relent);
	EXPECT_EQ(vmstat_val("swiotlb_lend_reclaim_success"), reclaimed);
	EXPECT_EQ(vmstat_val("swiotlb_lend_reclaim_fail"), fails);

	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(wait_all_lent(30), 0);
}

/*
 * A block is lent again only when none of its slots is mapped.  Take most
 * of the reserve back with a burst and unmap all but every 16th 64 KiB
 * buffer (two in every 2 MiB pageblock the burst filled), so that the pool
 * is nearly all free; through several grace periods the worker may lend
 * again only the blocks with nothing mapped, and every held buffer must
 * still be swiotlb's, intact, when it is finally unmapped.
 */
TEST_F_TIMEOUT(lend, held_slots_keep_their_block, LONG)
{
	long base, reserve, relent, used;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	ASSERT_EQ(write_long(RELEND_DELAY, 200), 0);

	snprintf(cmd, sizeof(cmd), "map %ld %d bidi sleep",
		 burst_count(base + reserve * 3 / 4), BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	relent = vmstat_val("swiotlb_lend_relend");
	ASSERT_EQ(burst("release 16", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.unowned, 0);
	used = read_long(SWIOTLB_DEBUGFS "io_tlb_used");
	ksft_print_msg("held %ld buffers, %ld slots in use\n", r.held, used);
	EXPECT_EQ(used, r.held * BURST_SIZE / 2048);

	/* Many grace periods with the pool nearly free. */
	sleep(3);
	ksft_print_msg("%ld blocks lent again while buffers were held\n",
		       vmstat_val("swiotlb_lend_relend") - relent);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.unowned, 0);
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_used"), 0);
	EXPECT_EQ(wait_all_lent(30), 0);
}

/*
 * The map path queues the worker by itself once an area falls below its
 * share of the low watermark, before anything fails or waits: atomic
 * mappings that leave an area between its low and high shares take
 * nothing back, ones that leave it below the low share do, without a
 * single failure.  Mapped from CPU 0, so that they fill area 0 first.
 */
TEST_F_TIMEOUT(lend, low_watermark_kicks_worker, LONG)
{
	long base, reserve, low, high, reclaimed, nareas, area, slots;
	long idx[MAX_BLOCKS];
	unsigned long pfn[MAX_BLOCKS];
	int n, areas[MAX_BLOCKS];
	cpu_set_t cpus, cpu0;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	n = lendable_blocks(idx, pfn, areas, MAX_BLOCKS);
	ASSERT_GT(n, 0);
	nareas = areas[n - 1] + 1;
	area = base / nareas;
	low = read_long(WMARK_LOW) / nareas;
	high = read_long(WMARK_HIGH) / nareas;
	ASSERT_GT(high - low, 2 * BURST_SIZE / 2048);
	ASSERT_EQ(sched_getaffinity(0, sizeof(cpus), &cpus), 0);
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(sched_setaffinity(0, sizeof(cpu0), &cpu0), 0);

	/* Half-way between the shares: nothing moves. */
	reclaimed = vmstat_val("swiotlb_lend_reclaim_success");
	slots = area - (low + high) / 2;
	snprintf(cmd, sizeof(cmd), "map %ld %d to atomic", burst_count(slots),
		 BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	sleep(1);
	EXPECT_EQ(vmstat_val("swiotlb_lend_reclaim_success"), reclaimed);
	ASSERT_EQ(burst("release", &r), 0);

	/* Half-way below the low share: the worker takes blocks back. */
	slots = area - low / 2;
	snprintf(cmd, sizeof(cmd), "map %ld %d to atomic", burst_count(slots),
		 BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.waits, 0);
	EXPECT_EQ(wait_worker_settled(1, 30), 0);
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_success"), reclaimed);
	ASSERT_EQ(burst("release", &r), 0);
	ASSERT_EQ(sched_setaffinity(0, sizeof(cpus), &cpus), 0);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * A sleepable mapping that finds no slot waits for the worker and then
 * maps: a burst beyond the base pool, with the low watermark at 1 slot so
 * that the map path queues the worker only once an area is full (the
 * high one at 1/64 of the base: an area whose last free slots are too
 * few for a 64 KiB mapping is still below it).  The worker is held until
 * the first mapping waits, and HOLD_AFTER_WAIT_MS longer, so that the
 * mapping sleeps and searches again several times before slots come
 * back: left alone on the other CPU the worker took empty 32 MiB blocks
 * back as fast as the burst filled the other area, and no mapping waited
 * (arm64, 16 KiB pages).  The mappings may wait up to the limit the
 * kernel allows, and not one may fail.
 */
#define HOLD_AFTER_WAIT_MS	100

TEST_F_TIMEOUT(lend, sleepable_mapping_waits_for_reclaim, LONG)
{
	long base, reserve, waits;
	struct burst_result r = { 0 };
	double t0, waited = -1;
	char cmd[64];
	int fds[2], status;
	pid_t pid;

	if (swiotlb_dynamic())
		SKIP(return, "CONFIG_SWIOTLB_DYNAMIC: transient pools take what does not fit");
	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	ASSERT_EQ(write_long(WMARK_LOW, 1), 0);
	ASSERT_EQ(write_long(WMARK_HIGH, base / 64), 0);
	ASSERT_EQ(write_long(WAIT_MS, 1000), 0);
	waits = worker_stat("waits");
	ASSERT_GE(waits, 0);
	ASSERT_EQ(pipe(fds), 0);

	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "burst %ld %d bidi sleep",
		 burst_count(base + reserve * 3 / 4), BURST_SIZE);
	pid = fork();
	if (!pid) {
		close(fds[0]);
		if (burst(cmd, &r))
			r.held = -1;
		_exit(write(fds[1], &r, sizeof(r)) != sizeof(r));
	}
	close(fds[1]);
	t0 = now_s();
	while (pid > 0 && now_s() - t0 < 30 &&
	       !waitpid(pid, &status, WNOHANG)) {
		if (worker_stat("waits") != waits) {
			waited = now_s() - t0;
			usleep(HOLD_AFTER_WAIT_MS * 1000);
			break;
		}
		usleep(1000);
	}
	/* Let the worker go before anything can bail out. */
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(read(fds[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	waitpid(pid, &status, 0);
	close(fds[0]);
	ksft_print_msg("first wait %.3f s into the burst; %s: " BURST_COUNTS BURST_TIMES "\n",
		       waited, cmd, r.held, r.mapped, r.failed,
		       r.verify_errors, r.waits, r.max_us, r.total_us);
	ASSERT_GE(r.held, 0);
	EXPECT_GE(waited, 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_GT(r.waits, 0);
	/* The mapping that waited slept through the hold, and mapped. */
	EXPECT_GE(r.max_us, HOLD_AFTER_WAIT_MS * 1000);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * The bridge lookup stays out of swiotlb_find_pool() until a lending pool
 * first runs short with bridging on.  Every test before this one runs with
 * bridging off, and a boot uses a sliver of the pool, so it is off here.
 * With bridging off, a burst of the base pool and eight buffers more (the
 * eight fail: every take-back held) patches nothing in; with it on, one
 * sleepable mapping that fails against the full pool does (swiotlb=force:
 * the driver's sg mapping bounces), and no note of the pool running short
 * could have.  The burst comes back intact.
 */
TEST_F_TIMEOUT(lend, bridge_lookup_patched_in_when_short, LONG)
{
	long base, reserve;
	struct burst_result r;
	char cmd[64];

	if (self->bridge < 0)
		SKIP(return, "no bridges (CONFIG_SWIOTLB_LEND_BRIDGE)");
	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	ASSERT_EQ(worker_stat("bridge_lookup"), 0);

	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "map %ld %d bidi atomic",
		 burst_count(base) + 8, BURST_SIZE);
	EXPECT_EQ(burst(cmd, &r), 0);
	EXPECT_GE(r.failed, 8);
	EXPECT_EQ(r.bridged, 0);
	/* The work item would have run by now (measured: under 10 ms). */
	usleep(1000000);
	EXPECT_EQ(worker_stat("bridge_lookup"), 0);

	if (pool_forced()) {
		ASSERT_EQ(write_long(BRIDGE, 1), 0);
		EXPECT_GE(sg_map_one(_metadata), 0);
		EXPECT_EQ(wait_bridge_lookup(LOOKUP_ON, 5), LOOKUP_ON);
		ASSERT_EQ(write_long(BRIDGE, 0), 0);
	} else {
		ksft_print_msg("no swiotlb=force: the sg mapping does not bounce\n");
	}
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.unowned, 0);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * With the whole reserve taken back nothing is left to wait for: the
 * mappings of a burst of the whole pool and eight buffers more that find
 * no slots fail at once, and none counts as a wait that failed.  (They
 * used to wait lend_wait_ms each.)  Nor is anything bridged: the pool has
 * its full size, and one more mapping fails as in a fixed pool of it.
 */
TEST_F_TIMEOUT(lend, no_wait_when_nothing_lent, LONG)
{
	long base, reserve, failures, bridged;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 30, &base, &reserve))
		return;
	/* Bridges could be made: none is, with nothing lent. */
	prime_bridge_lookup(_metadata, base, 30);
	ASSERT_EQ(write_long(WAIT_MS, 1000), 0);
	failures = worker_stat("wait_failures");
	ASSERT_GE(failures, 0);

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve) + 8, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	ksft_print_msg("fastest failed mapping %ld us, lent %ld kB\n",
		       r.min_fail_us, meminfo_kb("SwiotlbLent"));
	EXPECT_GE(r.failed, 8);
	EXPECT_EQ(meminfo_kb("SwiotlbLent"), 0);
	EXPECT_EQ(worker_stat("wait_failures"), failures);
	/* Measured 0.5 ms alone, 5.7 ms beside another guest: no wait. */
	EXPECT_LT(r.min_fail_us, WAIT_SLACK_MS * 1000);
	/* Without swiotlb=force the driver's sg mapping does not bounce. */
	if (self->bridge >= 0 && pool_forced()) {
		bridged = worker_stat("bridged");
		ASSERT_EQ(write_long(BRIDGE, 1), 0);
		EXPECT_EQ(sg_map_one(_metadata), 0);
		EXPECT_EQ(worker_stat("bridged"), bridged);
	}
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(wait_all_lent(20), 0);
}

/**
 * struct pinned - one of our pages pinned in a lent block
 * @base, @reserve:	Slots of the base pool and of the reserve.
 * @idx, @pfn, @area:	The @n lendable blocks: index, first pfn, area.
 * @nareas:		Areas that lend.
 * @per_area:		Lendable blocks per area.
 * @best:		The pinned block's place in @idx.
 * @f:			The memory filled to get a page into a lent block.
 * @pagemap:		/proc/self/pagemap.
 * @pipefd:		The pipe that holds the pinned page (vmsplice).
 * @pin, @want:		The pinned page and the pattern it must keep.
 * @cpus:		Our CPUs before the test moved to the pinned area's.
 */
struct pinned {
	long base, reserve, idx[MAX_BLOCKS];
	unsigned long pfn[MAX_BLOCKS];
	int n, area[MAX_BLOCKS], nareas, per_area, best;
	struct fill f;
	int pagemap, pipefd[2];
	char *pin;
	uint64_t want;
	cpu_set_t cpus;
};

/* The lendable blocks, with the whole reserve lent. */
static void pinned_blocks(struct __test_metadata *_metadata, struct pinned *t)
{
	ASSERT_EQ(wait_all_lent(60), 0);
	t->n = lendable_blocks(t->idx, t->pfn, t->area, MAX_BLOCKS);
	ASSERT_GT(t->n, 0);
	t->nareas = t->area[t->n - 1] + 1;
	t->per_area = t->n / t->nareas;
	pool_slots(&t->base, &t->reserve);
}

/*
 * Pin one of our anonymous pages in a lent block as close to the bottom
 * of its area's reserve as we find (the worker takes an area's lent
 * blocks from the bottom up, so it must come to that one), in an area of
 * an online CPU (area k is CPU k's), with a pipe (vmsplice): that block
 * cannot be taken back.  Everything else of the fill goes, so that the
 * other blocks are cheap to take.  Returns 0, or -1 if none of our pages
 * landed in a lent block.
 */
static int pinned_pin(struct __test_metadata *_metadata, struct pinned *t)
{
	long psz = sysconf(_SC_PAGESIZE), block_pages = pages_per_block();
	long nprocs = sysconf(_SC_NPROCESSORS_ONLN);
	struct fill *f = &t->f;
	struct iovec iov;
	unsigned long p;
	int c, k;
	size_t i;

	t->pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(t->pagemap, 0);
	fill_until_borrowed(f, 8, 0);
	t->pin = NULL;
	t->best = -1;
	for (c = 0; c < f->nchunks; c++) {
		for (i = 0; i < CHUNK / psz; i++) {
			p = virt_to_pfn(t->pagemap, f->anon[c] + i * psz);
			for (k = 0; k < t->n; k++) {
				if (p < t->pfn[k] || p >= t->pfn[k] + block_pages ||
				    t->area[k] >= nprocs)
					continue;
				/* Fewest blocks below it in its area. */
				if (t->best < 0 ||
				    k % t->per_area < t->best % t->per_area) {
					t->best = k;
					t->pin = f->anon[c] + i * psz;
					t->want = pattern(page_no(c, i));
				}
			}
		}
	}
	if (!t->pin) {
		fill_free(f);
		close(t->pagemap);
		return -1;
	}
	for (c = 0; c < f->nchunks; c++)
		for (i = 0; i < CHUNK / psz; i++)
			if (f->anon[c] + i * psz != t->pin)
				madvise(f->anon[c] + i * psz, psz, MADV_DONTNEED);
	/* A pipe holds a reference to a vmspliced page: it cannot move. */
	ASSERT_EQ(pipe(t->pipefd), 0);
	iov.iov_base = t->pin;
	iov.iov_len = psz;
	ASSERT_EQ(vmsplice(t->pipefd[1], &iov, 1, 0), psz);
	ksft_print_msg("pinned a page in block %ld of area %d, %d lent blocks below it\n",
		       t->idx[t->best], t->area[t->best], t->best % t->per_area);
	return 0;
}

/* Run the rest of the test on the CPU whose area is the pinned block's. */
static void pinned_move(struct __test_metadata *_metadata, struct pinned *t)
{
	cpu_set_t cpus;

	ASSERT_EQ(sched_getaffinity(0, sizeof(t->cpus), &t->cpus), 0);
	CPU_ZERO(&cpus);
	CPU_SET(t->area[t->best], &cpus);
	ASSERT_EQ(sched_setaffinity(0, sizeof(cpus), &cpus), 0);
}

/*
 * Map @slots worth of buffers from the pinned area's CPU and hold them:
 * nothing fails, and once the worker has settled, the pinned block has
 * failed and stayed lent while others came back.
 */
static void pinned_burst(struct __test_metadata *_metadata, struct pinned *t,
			 long slots)
{
	long fails = vmstat_val("swiotlb_lend_reclaim_fail");
	long success = vmstat_val("swiotlb_lend_reclaim_success");
	struct burst_result r;
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "map %ld %d from sleep", burst_count(slots),
		 BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	EXPECT_EQ(r.verify_errors, 0);
	/*
	 * The burst may be mapped before the worker is done (it needed no
	 * wait): the worker must finish without more kicks.
	 */
	EXPECT_EQ(wait_worker_settled(1, 30), 0);
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_fail") - fails, 0);
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_success") - success, 0);
	EXPECT_EQ(block_state_lent(t->idx[t->best]), 1);
}

/* Let the pinned page go: its block can be taken back again. */
static void pinned_unpin(struct pinned *t)
{
	close(t->pipefd[0]);
	close(t->pipefd[1]);
	t->pipefd[0] = -1;
	t->pipefd[1] = -1;
}

/* Release the burst and the pin; the pinned page kept its pattern. */
static void pinned_release(struct __test_metadata *_metadata, struct pinned *t,
			   int moved)
{
	struct burst_result r;

	ASSERT_EQ(burst("release", &r), 0);
	if (moved)
		ASSERT_EQ(sched_setaffinity(0, sizeof(t->cpus), &t->cpus), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(*(uint64_t *)t->pin, t->want);
	if (t->pipefd[0] >= 0)
		pinned_unpin(t);
	fill_free(&t->f);
	close(t->pagemap);
}

/*
 * A sleepable mapping waits for lent slots lend_wait_ms (less at most a
 * jiffy, at HZ=100 10 ms, for the tick the deadline starts in; plus the
 * slice it may be sleeping in and wake-up latency) and then fails,
 * counted in wait_failures: with the worker held, a burst of the base
 * pool and eight buffers more cannot all map, however long they wait.
 */
TEST_F_TIMEOUT(lend, sleepable_wait_is_bounded, LONG)
{
	long base, reserve, wait_ms, failures;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 30, &base, &reserve))
		return;
	/* Bridges could be made: none is, with bridging off. */
	prime_bridge_lookup(_metadata, base, 30);
	wait_ms = read_long(WAIT_MS);
	ASSERT_GT(wait_ms, 0);
	failures = worker_stat("wait_failures");
	ASSERT_GE(failures, 0);

	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base) + 8, BURST_SIZE);
	EXPECT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ksft_print_msg("failed mappings took %ld to %ld us, wait limit %ld ms\n",
		       r.min_fail_us, r.max_us, wait_ms);
	EXPECT_EQ(r.failed, 8);
	EXPECT_EQ(worker_stat("wait_failures") - failures, r.failed);
	EXPECT_GE(r.min_fail_us, (wait_ms - 10) * 1000);
	EXPECT_LE(r.max_us, (wait_ms + WAIT_SLACK_MS) * 1000);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(wait_all_lent(20), 0);
}

/*
 * Read the kernel log records that arrived on @fd (/dev/kmsg, at its end
 * before the records were printed) into @buf, one record per line.
 */
static size_t read_kmsg(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1024 < size) {
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/*
 * The kernel's reports know lent pages as they know CMA pages: the
 * OOM report (show_mem()) gives the free pages of lent blocks, in all and
 * per zone, dump_page() marks a page of a lent block and no other, and
 * vmstat_refresh checks nr_free_swiotlb like any exact counter.  (Both used to
 * say nothing of them: an OOM report counted free memory that only
 * movable allocations could use as free like any other.)
 */
TEST_F_TIMEOUT(lend, kernel_reports_know_lent_pages, QUICK)
{
	static char log[1 << 20];
	long global = -1, zones = 0, val, pfn = 0;
	int fd, n, marked = 0, dumped = 0;
	char buf[128], *p;

	if (access(ALLOC_PROBE, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(wait_all_lent(30), 0);
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_GE(fd, 0);
	ASSERT_GE(lseek(fd, 0, SEEK_END), 0);
	ASSERT_EQ(driver_command(ALLOC_PROBE, "report", buf, sizeof(buf)), 0);
	n = sscanf(buf, "report pfn=%lx", &pfn);
	ASSERT_EQ(n, 1);
	ASSERT_NE(pfn, 0);
	/* Exact counters never go negative: vmstat_refresh checks them. */
	ASSERT_EQ(write_long("/proc/sys/vm/stat_refresh", 1), 0);
	read_kmsg(fd, log, sizeof(log));
	close(fd);

	for (p = strstr(log, "free_swiotlb:"); p;
	     p = strstr(p + 1, "free_swiotlb:")) {
		val = strtol(p + strlen("free_swiotlb:"), &p, 10);
		if (!strncmp(p, "kB", 2))
			zones += val;
		else
			global = val;
	}
	for (p = strstr(log, "flags: "); p; p = strstr(p + 1, "flags: ")) {
		char *eol = strchr(p, '\n');

		dumped++;
		if (eol && memmem(p, eol - p, " SWIOTLB", 8))
			marked++;
	}
	ksft_print_msg("show_mem: free_swiotlb %ld, zones %ld kB, vmstat %ld; marked %d of %d\n",
		       global, zones, vmstat_val("nr_free_swiotlb"), marked,
		       dumped);
	EXPECT_GT(global, 0);
	/* The same counters a moment apart, at rest: within 1%. */
	EXPECT_LE(labs(zones - global * page_kb()), global * page_kb() / 100);
	/* The lent page is marked, the control page is not. */
	EXPECT_EQ(dumped, 2);
	EXPECT_EQ(marked, 1);
	EXPECT_EQ(strstr(log, "vmstat_refresh: nr_free_swiotlb"), NULL);
}

/*
 * With CONFIG_SWIOTLB_DYNAMIC, a lending pool grows by taking its reserve
 * back, never by adding a pool while blocks are lent (an added pool is
 * kept for good): with the worker held, an atomic burst of the base pool
 * and eight buffers more maps every buffer, the eight in transient pools
 * that are freed at unmap, and the pool keeps its size.  (Before, the
 * burst queued dyn_alloc, which added a pool of the default size.)
 */
TEST_F_TIMEOUT(lend, dynamic_pool_not_grown_while_lent, QUICK)
{
	long base, reserve, nslabs, transient;
	struct burst_result r;
	char cmd[64];

	if (!swiotlb_dynamic())
		SKIP(return, "no CONFIG_SWIOTLB_DYNAMIC");
	if (burst_setup(_metadata, 30, &base, &reserve))
		return;
	nslabs = read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs");

	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "map %ld %d to atomic",
		 burst_count(base) + 8, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	transient = read_long(SWIOTLB_DEBUGFS "io_tlb_transient_nslabs");
	/* dyn_alloc, had it been queued, runs at once: give it 2 s. */
	sleep(2);
	ksft_print_msg("slots %ld before, %ld after; %ld transient\n", nslabs,
		       read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs"), transient);
	EXPECT_EQ(r.failed, 0);
	EXPECT_GT(transient, 0);
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs"), nslabs);
	ASSERT_EQ(burst("release", &r), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_transient_nslabs"), 0);
	EXPECT_EQ(wait_all_lent(20), 0);
	/* A dyn_alloc queued late would have run by now. */
	EXPECT_EQ(read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs"), nslabs);
}

/*
 * No slot ever fits a mapping larger than a segment (256 KiB): a sleepable
 * one fails at once, without a wait, however much is lent.  (It used to
 * wait lend_wait_ms for blocks that could not help it: 1006 ms for
 * 1000 ms; now 0.6 ms.)
 */
TEST_F_TIMEOUT(lend, no_wait_for_oversized_mapping, QUICK)
{
	long base, reserve, waits;
	struct burst_result r;

	if (burst_setup(_metadata, 30, &base, &reserve))
		return;
	ASSERT_EQ(write_long(WAIT_MS, 1000), 0);
	waits = worker_stat("waits");
	ASSERT_GE(waits, 0);
	ASSERT_EQ(burst("map 1 327680 to sleep", &r), 0);
	EXPECT_EQ(r.failed, 1);
	EXPECT_EQ(worker_stat("waits"), waits);
	EXPECT_LT(r.min_fail_us, WAIT_SLACK_MS * 1000);
	ASSERT_EQ(burst("release", &r), 0);
}

/*
 * One sleepable dma_map_sg() call waits lend_wait_ms at most, however many
 * of its entries find no slots.  With the worker held and the base pool
 * full, the first of two 64 KiB entries gets the slots of a buffer
 * released halfway through the wait, and the second fails when the call's
 * deadline passes.  (Each entry used to wait lend_wait_ms of its own: the
 * call took one and a half of them, measured 1542 ms for 1000 ms; now
 * 1011 ms.)
 */
TEST_F_TIMEOUT(lend, sg_map_waits_once, QUICK)
{
	long base, reserve, ents = -1, us = -1, scoped = -1, wait_ms = 1000;
	long waits;
	int n;
	struct burst_result r;
	char cmd[64], buf[64];

	if (burst_setup(_metadata, 30, &base, &reserve))
		return;
	ASSERT_EQ(write_long(WAIT_MS, wait_ms), 0);

	/* Full: some of the base and eight buffers more fail. */
	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "map %ld %d to atomic",
		 burst_count(base) + 8, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	ASSERT_GE(r.failed, 8);
	waits = worker_stat("waits");
	ASSERT_GE(waits, 0);
	snprintf(cmd, sizeof(cmd), "2 %d %ld", BURST_SIZE, wait_ms / 2);
	ASSERT_EQ(driver_command(SG, cmd, buf, sizeof(buf)), 0);
	waits = worker_stat("waits") - waits;
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ksft_print_msg("sg %s: %s", cmd, buf);
	n = sscanf(buf, "ents=%ld us=%ld scoped=%ld", &ents, &us, &scoped);
	ASSERT_EQ(n, 3);
	EXPECT_EQ(ents, 0);
	/* One wait began, for both entries; the task forgot it after. */
	EXPECT_EQ(waits, 1);
	EXPECT_EQ(scoped, 0);
	EXPECT_GE(us, (wait_ms - 10) * 1000);
	EXPECT_LE(us, (wait_ms + WAIT_SLACK_MS) * 1000);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(wait_all_lent(20), 0);
}

/*
 * While the worker backs off past a mapping's deadline, waiting cannot
 * help: a pinned page keeps one block lent while a burst of the whole pool
 * and eight buffers more takes the others back, and each failure doubles
 * that block's retry delay.  Mappings wait at most lend_wait_ms (plus the
 * slice they may be sleeping in, and wake-up latency), and once the
 * backoff outlasts their deadline they fail at once.  (They used to wait
 * lend_wait_ms each.)
 */
TEST_F_TIMEOUT(lend, no_wait_while_worker_backs_off, LONG)
{
	static struct pinned t;
	struct burst_result r;
	long wait_ms;
	char cmd[64];

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	wait_ms = read_long(WAIT_MS);
	ASSERT_GT(wait_ms, 0);
	pinned_blocks(_metadata, &t);
	ASSERT_EQ(pinned_pin(_metadata, &t), 0);

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(t.base + t.reserve) + 8, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	ksft_print_msg("failed mappings took %ld to %ld us, wait limit %ld ms, lent %ld kB\n",
		       r.min_fail_us, r.max_us, wait_ms,
		       meminfo_kb("SwiotlbLent"));
	EXPECT_GE(r.failed, 8);
	EXPECT_GT(meminfo_kb("SwiotlbLent"), 0);
	EXPECT_LE(r.max_us, (wait_ms + WAIT_SLACK_MS) * 1000);
	EXPECT_LT(r.min_fail_us, WAIT_SLACK_MS * 1000);
	pinned_release(_metadata, &t, 0);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * "swiotlb buffer is full ... total N (slots)" gives the slots swiotlb
 * owns when the mapping fails, not the pool's whole size: lent slots are
 * not bounce buffers.  With the worker held, an atomic burst of the base
 * pool and eight buffers more fails with the whole reserve still lent:
 * the warning must count the base pool alone.
 */
TEST_F_TIMEOUT(lend, full_warning_counts_owned_slots, LONG)
{
	long base, reserve, nslabs, total = -1;
	struct burst_result r;
	char cmd[80], *buf, *p;
	int len;

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	nslabs = read_long(SWIOTLB_DEBUGFS "io_tlb_nslabs");
	buf = malloc(1 << 22);
	ASSERT_NE(buf, NULL);
	/* Forget older warnings (the ring buffer only, not the console). */
	ASSERT_EQ(klogctl(5, NULL, 0), 0);

	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	snprintf(cmd, sizeof(cmd), "map %ld %d to atomic warn",
		 burst_count(base) + 8, BURST_SIZE);
	EXPECT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	EXPECT_EQ(r.failed, 8);
	len = klogctl(3, buf, (1 << 22) - 1);
	ASSERT_GT(len, 0);
	buf[len] = '\0';
	p = strstr(buf, "swiotlb buffer is full");
	ASSERT_NE(p, NULL);
	p = strstr(p, "total ");
	ASSERT_NE(p, NULL);
	total = strtol(p + 6, NULL, 10);
	ksft_print_msg("first warning: total %ld slots; pool %ld, base %ld\n",
		       total, nslabs, base);
	EXPECT_EQ(total, base);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	free(buf);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/* With lend_wait_ms at 0 no mapping waits, and none counts as waiting. */
TEST_F_TIMEOUT(lend, no_wait_when_wait_ms_zero, LONG)
{
	long base, reserve, failures, waits;
	struct burst_result r;
	char cmd[64];

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	ASSERT_EQ(write_long(WAIT_MS, 0), 0);
	failures = worker_stat("wait_failures");
	waits = worker_stat("waits");

	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve) + 8, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	ksft_print_msg("longest mapping %ld us\n", r.max_us);
	EXPECT_GE(r.failed, 8);
	EXPECT_EQ(r.waits, 0);
	EXPECT_EQ(worker_stat("waits"), waits);
	EXPECT_EQ(worker_stat("wait_failures"), failures);
	/* Measured 0.5 ms alone, 5.7 ms beside another guest: no wait. */
	EXPECT_LT(r.max_us, WAIT_SLACK_MS * 1000);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(wait_all_lent(60), 0);
}

/*
 * A block that cannot be taken back costs only itself: a burst from the
 * CPU of its area needs the blocks above it, which come back around it,
 * and the pinned block stays lent, a hole in the area's window.  (Lent
 * blocks used to stay contiguous at the top of an area, and one stuck
 * block kept all those above it lent.)
 */
TEST_F_TIMEOUT(lend, pinned_page_fails_only_its_block, LONG)
{
	static struct pinned t;

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	pinned_blocks(_metadata, &t);
	if (t.per_area < 2)
		SKIP(return, "one lendable block per area: nothing above it");
	if (pinned_pin(_metadata, &t))
		SKIP(return, "none of our pages landed in a lent block");
	ASSERT_NE((t.best + 1) % t.per_area, 0);
	pinned_move(_metadata, &t);

	/*
	 * The area's base share and two blocks' worth more: whatever else
	 * of the area's reserve the worker takes, the pinned block fails
	 * and the one above it must come back.
	 */
	pinned_burst(_metadata, &t, t.base / t.nareas + 2 * t.reserve / t.n);
	EXPECT_EQ(t.area[t.best + 1], t.area[t.best]);
	EXPECT_EQ(block_state_lent(t.idx[t.best + 1]), 0);
	pinned_release(_metadata, &t, 1);
}

/*
 * Fill the pinned area below its low share, from its CPU, until its block
 * fails @times times in a row (released and mapped again after each, past
 * the retry delay): the area then backs off for 10 ms << (@times - 1).
 */
static void pinned_fail(struct __test_metadata *_metadata, struct pinned *t,
			int times)
{
	long low = read_long(WMARK_LOW) / t->nareas, fails;
	struct burst_result r;
	double until;
	char cmd[64];
	int j;

	for (j = 0; j < times; j++) {
		fails = vmstat_val("swiotlb_lend_reclaim_fail");
		snprintf(cmd, sizeof(cmd), "map %ld %d from sleep",
			 burst_count(t->base / t->nareas - low / 2), BURST_SIZE);
		ASSERT_EQ(burst(cmd, &r), 0);
		for (until = now_s() + 5; now_s() < until;) {
			if (vmstat_val("swiotlb_lend_reclaim_fail") > fails)
				break;
			usleep(5000);
		}
		ASSERT_GT(vmstat_val("swiotlb_lend_reclaim_fail"), fails);
		if (j == times - 1)
			break;
		ASSERT_EQ(burst("release", &r), 0);
		usleep(1100000);
	}
}

/*
 * An area whose only lent block is pinned backs off (its block's retry
 * delay doubles with each failure), but kicks from the other area still
 * go through: a sleepable burst there needs its lent block and maps
 * without a failure.  (The backoff used to be the whole worker's: the
 * other area's kicks were dropped, and its mappings did not wait while the
 * backoff outlasted their deadline, so they failed.)  Needs one lendable
 * block per area (lend-one-block).
 */
TEST_F_TIMEOUT(lend, stuck_area_does_not_delay_others, LONG)
{
	static struct pinned t;
	struct burst_result r;
	long success;
	cpu_set_t other;
	char cmd[64];

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	pinned_blocks(_metadata, &t);
	if (t.nareas != 2 || t.per_area != 1)
		SKIP(return, "needs two areas of one lendable block each");
	if (pinned_pin(_metadata, &t))
		SKIP(return, "none of our pages landed in a lent block");
	pinned_move(_metadata, &t);

	/*
	 * Eight failures: the retry delay (at least a jiffy doubling from
	 * 10 ms) reaches its cap, so the pinned area backs off for a second,
	 * much longer than the other area's mappings may wait.
	 */
	pinned_fail(_metadata, &t, 8);
	ASSERT_EQ(burst("release", &r), 0);

	/*
	 * From the other area's CPU: the whole base pool and a quarter
	 * block, which only the other area's lent block can give.
	 */
	CPU_ZERO(&other);
	CPU_SET(1 - t.area[t.best], &other);
	ASSERT_EQ(sched_setaffinity(0, sizeof(other), &other), 0);
	success = vmstat_val("swiotlb_lend_reclaim_success");
	snprintf(cmd, sizeof(cmd), "map %ld %d from sleep",
		 burst_count(t.base + t.reserve / t.n / 4), BURST_SIZE);
	/*
	 * Its block may have no page in use: through the worker, not at map
	 * time, which no backoff delays.
	 */
	ASSERT_EQ(write_long(HOLD_WORKER, HOLD_ONLY_MAP_TIME), 0);
	ASSERT_EQ(burst(cmd, &r), 0);
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	ksft_print_msg("burst in the other area: failed %ld, waits %ld, longest %ld us\n",
		       r.failed, r.waits, r.max_us);
	EXPECT_EQ(r.failed, 0);
	EXPECT_GT(vmstat_val("swiotlb_lend_reclaim_success"), success);
	EXPECT_EQ(block_state_lent(t.idx[t.best]), 1);
	/*
	 * The pinned area's runs, whose one take-back fails each time,
	 * ended their hold of the LRU caches too.
	 */
	EXPECT_EQ(lru_holders_after_worker(), 0);
	pinned_release(_metadata, &t, 1);
}

/*
 * When an area's backoff ends, the worker looks at it again by itself if
 * it is still below its low share: the mappings that took it there are
 * all made and kick no more.  Here the pin goes while the area backs off
 * and its burst stays held: the block must come back with no mapping
 * made after.  Needs one lendable block per area (lend-one-block).
 */
TEST_F_TIMEOUT(lend, backoff_retries_its_area, LONG)
{
	static struct pinned t;
	double until;

	if (access(BURST, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	pinned_blocks(_metadata, &t);
	if (t.per_area != 1)
		SKIP(return, "more than one lendable block per area");
	if (pinned_pin(_metadata, &t))
		SKIP(return, "none of our pages landed in a lent block");
	pinned_move(_metadata, &t);

	pinned_fail(_metadata, &t, 1);
	pinned_unpin(&t);
	for (until = now_s() + 10; now_s() < until;) {
		if (block_state_lent(t.idx[t.best]) == 0)
			break;
		usleep(20000);
	}
	EXPECT_EQ(block_state_lent(t.idx[t.best]), 0);
	pinned_release(_metadata, &t, 1);
}

/*
 * After all the taking back and lending again above: the reserve is
 * still exactly the Swiotlb pageblocks, lent pages are still not bounce
 * buffers to the DMA layer, unmovable allocations still never get them,
 * and the free ones are still counted exactly.
 */
/* What the driver's kmalloc probe prints. */
#define KMALLOC_COUNTS	"kmalloc count=%ld expected=%ld bounced=%ld failed=%ld "
#define KMALLOC_CHECKS	"unowned=%ld verify_errors=%ld coherent=%d in_reserve=%ld"

struct kmalloc_result {
	long count, expected, bounced, failed, unowned, verify_errors;
	long in_reserve;
	int coherent;
};

/* Map @count kmalloc() buffers of @size bytes, hold, check, unmap. */
static int kmalloc_bounce(long count, long size, struct kmalloc_result *k)
{
	char cmd[32], buf[256];

	snprintf(cmd, sizeof(cmd), "%ld %ld", count, size);
	if (driver_command(KMALLOC, cmd, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, KMALLOC_COUNTS KMALLOC_CHECKS, &k->count, &k->expected,
		   &k->bounced, &k->failed, &k->unowned, &k->verify_errors,
		   &k->coherent, &k->in_reserve) != 8)
		return -1;
	return 0;
}

/*
 * Sizes whose kmalloc() buffers (8, 32, 96 and 96 bytes) are not aligned
 * to a cache line of 64 or 128 bytes: a non-coherent device bounces them.
 */
static const long kmalloc_sizes[] = { 7, 24, 72, 80 };

static void kmalloc_print(const char *when, const struct kmalloc_result *k)
{
	ksft_print_msg("%s: %ld mapped, %ld bounced (%ld expected)\n", when,
		       k->count, k->bounced, k->expected);
	ksft_print_msg("%s: %ld failed, %ld unowned, %ld verify errors\n", when,
		       k->failed, k->unowned, k->verify_errors);
}

/* Every size once; the totals go to @sum.  -1 if the driver failed. */
static int kmalloc_round(long count, struct kmalloc_result *sum)
{
	struct kmalloc_result k;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		if (kmalloc_bounce(count, kmalloc_sizes[i], &k))
			return -1;
		sum->count += k.count;
		sum->expected += k.expected;
		sum->bounced += k.bounced;
		sum->failed += k.failed;
		sum->unowned += k.unowned;
		sum->verify_errors += k.verify_errors;
		sum->in_reserve += k.in_reserve;
	}
	return 0;
}

/* swiotlb=force bounces every mapping, not only the unaligned ones. */
static int pool_forced(void)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, "swiotlb=force") || strstr(line, ",force");
}

/*
 * Small kmalloc() buffers of a non-coherent device (arm64) bounce through
 * the same pool (DMA_BOUNCE_UNALIGNED_KMALLOC), from atomic-capable
 * dma_map_single() calls that never wait: with everything lent, with a
 * quarter of the reserve taken back and held by a burst (the small
 * buffers then need the slots that came back), and while the reserve is
 * lent again after the burst.  Every one must bounce, keep its data both
 * ways, and never sit in a slot of a lent block.
 */
TEST_F_TIMEOUT(lend, kmalloc_bounces_use_owned_slots, LONG)
{
	struct kmalloc_result k = { 0 }, sum = { 0 }, taken = { 0 };
	long base, reserve, rounds = 0, relent;
	struct burst_result r;
	char cmd[64];
	double until;

	if (access(KMALLOC, W_OK))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ASSERT_EQ(kmalloc_bounce(1, 8, &k), 0);
	if (k.coherent)
		SKIP(return,
		     "coherent device: kmalloc() buffers never bounce (lend-kmalloc runs it on arm64)");
	if (burst_setup(_metadata, 60, &base, &reserve))
		return;

	ASSERT_EQ(kmalloc_round(1024, &sum), 0);
	kmalloc_print("all lent", &sum);
	EXPECT_GT(sum.expected, 0);
	/* Nothing of the reserve is swiotlb's yet. */
	EXPECT_EQ(sum.in_reserve, 0);

	/*
	 * The base and a quarter of the reserve held, but 64 buffers: the
	 * small buffers may take the slots of the blocks that came back.
	 * Where they go depends on where the burst's next-fit search left
	 * free slots (in_reserve is printed, not required: measured 0 of
	 * 4096 with 16 KiB pages, the free slots were all in the base).
	 */
	snprintf(cmd, sizeof(cmd), "map %ld %d to sleep",
		 burst_count(base + reserve / 4) - 64, BURST_SIZE);
	ASSERT_EQ(burst(cmd, &r), 0);
	EXPECT_EQ(r.failed, 0);
	ASSERT_EQ(kmalloc_round(1024, &taken), 0);
	kmalloc_print("a quarter taken back", &taken);
	ksft_print_msg("%ld of them in slots of the reserve\n", taken.in_reserve);
	ASSERT_EQ(burst("release", &r), 0);
	EXPECT_EQ(r.verify_errors, 0);
	EXPECT_EQ(r.unowned, 0);

	/* While the blocks are lent again: until one is, and a second more. */
	relent = vmstat_val("swiotlb_lend_relend");
	for (until = now_s() + read_long(RELEND_DELAY) / 1000.0 + 10;
	     now_s() < until; rounds++) {
		ASSERT_EQ(kmalloc_round(256, &sum), 0);
		if (vmstat_val("swiotlb_lend_relend") > relent &&
		    until > now_s() + 1)
			until = now_s() + 1;
	}
	ksft_print_msg("%ld rounds, %ld blocks lent again meanwhile\n", rounds,
		       vmstat_val("swiotlb_lend_relend") - relent);
	EXPECT_GT(vmstat_val("swiotlb_lend_relend"), relent);
	sum.count += taken.count;
	sum.expected += taken.expected;
	sum.bounced += taken.bounced;
	sum.failed += taken.failed;
	sum.unowned += taken.unowned;
	sum.verify_errors += taken.verify_errors;
	kmalloc_print("in all", &sum);
	/* Exactly the unaligned ones, unless every mapping bounces. */
	if (pool_forced()) {
		EXPECT_GE(sum.bounced, sum.expected);
	} else {
		EXPECT_EQ(sum.bounced, sum.expected);
	}
	EXPECT_EQ(sum.failed, 0);
	EXPECT_EQ(sum.unowned, 0);
	EXPECT_EQ(sum.verify_errors, 0);
	EXPECT_EQ(wait_all_lent(60), 0);
}

TEST_F_TIMEOUT(lend, lent_again_like_at_boot, LONG)
{
	long total, block_kb = pages_per_block() * page_kb(), listed;
	long lent, foreign, owned, find_pool, need_sync, control, pages;
	char buf[160];
	int i, n;

	ASSERT_EQ(wait_all_lent(60), 0);
	total = meminfo_kb("SwiotlbLendTotal");
	EXPECT_EQ(swiotlb_pageblocks() * block_kb, total);
	EXPECT_EQ(lent_block_count() * block_kb, total);

	if (driver_command(ALLOC_PROBE, "lookup", buf, sizeof(buf)))
		SKIP(return, "no test driver (CONFIG_SWIOTLB_LEND_TEST)");
	ksft_print_msg("%s", buf);
	n = sscanf(buf, LOOKUP_PAGES LOOKUP_ANSWERS, &lent, &foreign, &owned,
		   &find_pool, &need_sync, &control);
	ASSERT_EQ(n, 6);
	EXPECT_GT(lent, 0);
	EXPECT_EQ(foreign, 0);
	EXPECT_EQ(owned, 0);
	EXPECT_EQ(find_pool, 0);
	EXPECT_EQ(need_sync, 0);
	EXPECT_EQ(control, 1);

	ASSERT_EQ(alloc_probe("unmovable", &pages, &lent, &foreign, NULL), 0);
	EXPECT_EQ(lent, 0);
	EXPECT_EQ(foreign, 0);

	for (i = 0; i < 20; i++) {
		write_long("/proc/sys/vm/stat_refresh", 1);
		listed = swiotlb_free_list_pages();
		if (vmstat_val("nr_free_swiotlb") == listed)
			break;
		usleep(50000);
	}
	EXPECT_EQ(vmstat_val("nr_free_swiotlb"), listed);
}

/*
 * While lent blocks in use come back at the worker's pace, an atomic
 * burst outruns it: the mappings that find no slots get transient pools
 * from free memory, found by the lookup (no buffer unowned, the data
 * bounced both ways) and freed at unmap.  With every take-back held and
 * seven eighths of the reserve in use by our anonymous memory, the rest
 * of it given back (room for the bridges, in whole pageblocks: each needs
 * 64 KiB in one piece, which GFP_NOWAIT cannot compact for), a burst of
 * the base pool and three quarters of the reserve maps in full, bridging
 * at least what the base cannot hold: atomic; sleepable, bridged before
 * any wait; and from 2.5 KiB into a page with NVMe's min_align_mask,
 * whose bridges need a slot of padding, counted as used until unmap.
 * Bridges in use stay found with bridging turned off.  Before bridges,
 * every mapping past the base failed.  With CONFIG_SWIOTLB_DYNAMIC (no
 * lend_bridge file), its transient pools are the bridges (not for the
 * NVMe case: they have no room for the padding).  Last: the bridges are
 * unmovable allocations of 64 KiB, which leave the pageblocks they took
 * typed unmovable, where the fills of later tests would not go (movable
 * allocations borrow lent pages before they steal such blocks back).
 */
TEST_F_TIMEOUT(lend, atomic_burst_bridged_while_blocks_come_back, LONG)
{
	static const char * const modes[] = {
		"bidi atomic", "bidi sleep", "bidi atomic nvme"
	};
	long base, reserve, count, need, bridged, bfail, transient, nkept;
	long psz = sysconf(_SC_PAGESIZE), used0;
	struct burst_result r;
	static struct fill f;
	char cmd[64], **kept;
	int pagemap;
	size_t m;

	if (burst_setup(_metadata, 60, &base, &reserve))
		return;
	prime_bridge_lookup(_metadata, base, 60);
	if (self->bridge >= 0)
		ASSERT_EQ(write_long(BRIDGE, 1), 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	ASSERT_GE(pagemap, 0);
	kept = calloc(MAX_KEPT, sizeof(*kept));
	ASSERT_NE(kept, NULL);

	/* The reserve full of user memory: nothing comes back at map time. */
	ASSERT_GT(fill_until_borrowed(&f, 8, 0), 0);
	nkept = keep_lent_pages(&f, pagemap, kept, MAX_KEPT, 1);
	count = burst_count(base + reserve * 3 / 4);
	/* The bridges' buffers (nvme: twice) and a page of slots each. */
	need = (count - burst_count(base)) * (2 * BURST_SIZE / psz + 1);
	ksft_print_msg("reserve %ld pages: %ld free, %ld ours kept\n",
		       reserve / 2, vmstat_val("nr_free_swiotlb"), nkept);
	ksft_print_msg("regular free %ld, high %ld, bridges need %ld\n",
		       regular_free(), wmark_sum("high"), need);
	ASSERT_GE(regular_free(), wmark_sum("high") + need);
	used0 = read_long(USED);

	ASSERT_EQ(write_long(HOLD_WORKER, 1), 0);
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		/* CONFIG_SWIOTLB_DYNAMIC's transient pools have no padding. */
		if (self->bridge < 0 && strstr(modes[m], "nvme"))
			continue;
		bridged = worker_stat("bridged");
		bfail = worker_stat("bridge_failures");
		snprintf(cmd, sizeof(cmd), "map %ld %d %s", count, BURST_SIZE,
			 modes[m]);
		EXPECT_EQ(burst(cmd, &r), 0);
		transient = read_long(TRANSIENT);
		EXPECT_EQ(r.failed, 0);
		EXPECT_EQ(r.mapped, count);
		EXPECT_EQ(r.verify_errors, 0);
		EXPECT_EQ(r.misaligned, 0);
		EXPECT_EQ(r.waits, 0);
		EXPECT_GE(r.bridged, count - burst_count(base));
		/* A pool per mapping, its slots (nvme: one more) in use. */
		EXPECT_GE(transient, r.bridged * (BURST_SIZE / 2048));
		if (self->bridge >= 0) {
			EXPECT_GE(worker_stat("bridged") - bridged, r.bridged);
			EXPECT_EQ(worker_stat("bridge_failures"), bfail);
			/* Found and freed at unmap, bridging or not. */
			ASSERT_EQ(write_long(BRIDGE, 0), 0);
		}
		ASSERT_EQ(burst("release", &r), 0);
		if (self->bridge >= 0)
			ASSERT_EQ(write_long(BRIDGE, 1), 0);
		EXPECT_EQ(r.verify_errors, 0);
		EXPECT_EQ(r.unowned, 0);
		expect_bridges_freed(_metadata, used0);
	}
	ASSERT_EQ(write_long(HOLD_WORKER, 0), 0);
	/* What the reserve holds is intact. */
	EXPECT_EQ(check_kept(&f, kept, nkept), 0);
	fill_free(&f);
	free(kept);
	close(pagemap);
	EXPECT_EQ(wait_all_lent(60), 0);
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
