// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocator microbenchmark for the swiotlb lending benchmarks
 * (benchmarks/README.md), run in the guest:
 *
 *	pagealloc anon MIB ROUNDS
 *		map MIB MiB of anonymous memory, write one word per page (a
 *		page fault and an order-0 movable allocation each: no
 *		transparent huge pages), unmap;
 *	pagealloc file DIR MIB ROUNDS
 *		write MIB MiB to a new file in DIR (on tmpfs: page cache
 *		allocations), 64 KiB per write(), then read it back and
 *		remove it.
 *	pagealloc thp MIB ROUNDS ORDER
 *		as anon, but with transparent huge pages of ORDER only
 *		(multi-size THP: the tool sets hugepages-<size>kB/enabled
 *		to madvise and every other size to never): one fault and
 *		one movable allocation of ORDER per huge page.
 *
 * One line per round: the time per page or huge page (in ns; under
 * QEMU's -icount shift=0 a ns is one instruction) to fault it in and to
 * free it again (munmap), and how many pages of lent swiotlb blocks
 * were in use at the peak (from /proc/vmstat nr_free_swiotlb; -1 on a
 * kernel without lending); thp also says how many faults the kernel
 * served with a huge page of that order (its anon_fault_alloc count):
 *	anon round=R pages=N ns_per_page=X free_ns_per_page=F lent_used=L
 *	file round=R pages=N write_ns_per_page=X read_ns_per_page=Y lent_used=L
 *	thp round=R order=O folios=N huge=H ns_per_folio=X free_ns_per_folio=F lent_used=L
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(64 << 10)

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long free_lent_pages(void)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char name[64];
	long val, ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &val) == 2) {
		if (!strcmp(name, "nr_free_swiotlb")) {
			ret = val;
			break;
		}
	}
	fclose(f);
	return ret;
}

static long lent_used(long before)
{
	return before < 0 ? -1 : before - free_lent_pages();
}

/*
 * Fault in @n units of @unit bytes, one word each, and unmap them: the
 * time per unit of each, and the lent pages in use at the peak.
 */
static int fault_and_free(long n, long unit, int advice, double *fault_ns,
			  double *free_ns, long *used)
{
	long before = free_lent_pages(), i;
	size_t len = n * unit;
	char *map, *p;
	long long t;

	/* Aligned to the unit, so that a huge page fits every unit. */
	map = mmap(NULL, len + unit, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	p = (char *)(((unsigned long)map + unit - 1) & ~(unit - 1));
	madvise(p, len, advice);
	t = now_ns();
	for (i = 0; i < n; i++)
		*(volatile long *)(p + i * unit) = i;
	*fault_ns = (double)(now_ns() - t) / n;
	*used = lent_used(before);
	t = now_ns();
	munmap(p, len);
	*free_ns = (double)(now_ns() - t) / n;
	if (p != map)
		munmap(map, p - map);
	if (map + unit != p)
		munmap(p + len, map + unit - p);
	return 0;
}

static int anon(long mib, int rounds)
{
	long psz = sysconf(_SC_PAGESIZE), pages = (mib << 20) / psz, used;
	double fault_ns, free_ns;
	int r;

	for (r = 0; r < rounds; r++) {
		/* One fault, one order-0 page: THP would make it 512. */
		if (fault_and_free(pages, psz, MADV_NOHUGEPAGE, &fault_ns,
				   &free_ns, &used))
			return 1;
		printf("anon round=%d pages=%ld ns_per_page=%.2f free_ns_per_page=%.2f lent_used=%ld\n",
		       r, pages, fault_ns, free_ns, used);
	}
	return 0;
}

#define THP_DIR	"/sys/kernel/mm/transparent_hugepage"

static int write_str(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long val = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &val) != 1)
		val = -1;
	fclose(f);
	return val;
}

/* Huge pages of @kb only, on madvise(); the path of their fault count. */
static int thp_only(long kb, char *stat, size_t size)
{
	char path[256];
	long k;

	for (k = 8; k <= (1L << 21); k <<= 1) {
		snprintf(path, sizeof(path), THP_DIR "/hugepages-%ldkB/enabled", k);
		if (access(path, W_OK))
			continue;
		if (write_str(path, k == kb ? "madvise" : "never"))
			return -1;
	}
	snprintf(path, sizeof(path), THP_DIR "/hugepages-%ldkB/enabled", kb);
	if (access(path, W_OK)) {
		fprintf(stderr, "no huge pages of %ld kB\n", kb);
		return -1;
	}
	snprintf(stat, size, THP_DIR "/hugepages-%ldkB/stats/anon_fault_alloc", kb);
	return 0;
}

static int thp(long mib, int rounds, int order)
{
	long psz = sysconf(_SC_PAGESIZE), unit = psz << order;
	long n = (mib << 20) / unit, used, before;
	double fault_ns, free_ns;
	char stat[256];
	int r;

	if (thp_only(unit >> 10, stat, sizeof(stat)))
		return 1;
	for (r = 0; r < rounds; r++) {
		before = read_long(stat);
		if (fault_and_free(n, unit, MADV_HUGEPAGE, &fault_ns, &free_ns,
				   &used))
			return 1;
		printf("thp round=%d order=%d folios=%ld huge=%ld ns_per_folio=%.2f free_ns_per_folio=%.2f lent_used=%ld\n",
		       r, order, n, read_long(stat) - before, fault_ns, free_ns,
		       used);
	}
	return 0;
}

static int file(const char *dir, long mib, int rounds)
{
	long psz = sysconf(_SC_PAGESIZE), pages = (mib << 20) / psz, i;
	static char buf[CHUNK];
	long long tw, tr;
	char path[4096];
	long before, used;
	int r, fd;

	memset(buf, 0x5a, sizeof(buf));
	snprintf(path, sizeof(path), "%s/pagealloc.dat", dir);
	for (r = 0; r < rounds; r++) {
		before = free_lent_pages();
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0) {
			perror(path);
			return 1;
		}
		tw = now_ns();
		for (i = 0; i < (mib << 20) / CHUNK; i++) {
			if (write(fd, buf, CHUNK) != CHUNK) {
				perror("write");
				return 1;
			}
		}
		tw = now_ns() - tw;
		used = lent_used(before);
		tr = now_ns();
		for (i = 0; i < (mib << 20) / CHUNK; i++) {
			if (pread(fd, buf, CHUNK, i * CHUNK) != CHUNK) {
				perror("read");
				return 1;
			}
		}
		tr = now_ns() - tr;
		close(fd);
		unlink(path);
		printf("file round=%d pages=%ld write_ns_per_page=%.2f read_ns_per_page=%.2f lent_used=%ld\n",
		       r, pages, (double)tw / pages, (double)tr / pages, used);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "anon"))
		return anon(atol(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "file"))
		return file(argv[2], atol(argv[3]), atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "thp"))
		return thp(atol(argv[2]), atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: %s anon MIB ROUNDS | file DIR MIB ROUNDS | thp MIB ROUNDS ORDER\n",
		argv[0]);
	return 2;
}
