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
 *
 * One line per round: the time per page (in ns; under QEMU's
 * -icount shift=0 a ns is one instruction) and how many pages of lent
 * swiotlb blocks were in use at the peak (from /proc/vmstat
 * nr_free_swiotlb; -1 on a kernel without lending):
 *	anon round=R pages=N ns_per_page=X lent_used=L
 *	file round=R pages=N write_ns_per_page=X read_ns_per_page=Y lent_used=L
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

static int anon(long mib, int rounds)
{
	long psz = sysconf(_SC_PAGESIZE), pages = (mib << 20) / psz, i;
	long long t;
	long before;
	char *p;
	int r;

	for (r = 0; r < rounds; r++) {
		before = free_lent_pages();
		p = mmap(NULL, pages * psz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		/* One fault, one order-0 page: THP would make it 512. */
		madvise(p, pages * psz, MADV_NOHUGEPAGE);
		t = now_ns();
		for (i = 0; i < pages; i++)
			*(volatile long *)(p + i * psz) = i;
		t = now_ns() - t;
		printf("anon round=%d pages=%ld ns_per_page=%.2f lent_used=%ld\n",
		       r, pages, (double)t / pages, lent_used(before));
		munmap(p, pages * psz);
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
	fprintf(stderr, "usage: %s anon MIB ROUNDS | file DIR MIB ROUNDS\n",
		argv[0]);
	return 2;
}
