// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for swiotlb lending: swiotlb_lend= parsing, the pool layout,
 * slot accounting of an area whose top is lent, and the ownership lookup
 * at block edges.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/memcontrol.h>
#include <linux/mmzone.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/swap.h>
#include <linux/swiotlb.h>
#include <linux/vmalloc.h>

#include "swiotlb_lend.h"
#include "swiotlb_lend_reclaim.h"

#define BLOCK_SHIFT	21			/* 2 MiB pageblocks */
#define BLOCK_NSLABS	(1UL << (BLOCK_SHIFT - IO_TLB_SHIFT))

/* swiotlb_lend= parsing */

static void lend_parse_good(struct kunit *test)
{
	enum swiotlb_lend_param param = SWIOTLB_LEND_PARAM_DEFAULT;
	u64 bytes = 0;

	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("off", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, param, SWIOTLB_LEND_PARAM_OFF);

	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("64M", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, param, SWIOTLB_LEND_PARAM_SIZE);
	KUNIT_EXPECT_EQ(test, bytes, (u64)SZ_64M);

	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("1G", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, (u64)SZ_1G);

	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("2097152", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, (u64)SZ_2M);

	/* Not a multiple of a pageblock: accepted here, rounded by the layout. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("3M", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, (u64)3 * SZ_1M);

	/* Lower-case suffixes, as memparse() takes them; the largest sizes. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("64k", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, (u64)SZ_64K);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("17179869183G", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, 17179869183ULL << 30);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("15E", &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, 15ULL << 60);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse("18446744073709551615",
						 &param, &bytes), 0);
	KUNIT_EXPECT_EQ(test, bytes, U64_MAX);
}

static void lend_parse_bad(struct kunit *test)
{
	static const char * const bad[] = {
		"", "abc", "64X", "0", "0M", "-1", "64M,", "M", " 64M", "of",
		"offf", "64 M", "64MB", "0x400000", "1.5G",
	};
	/* memparse() would wrap these: 17179869185G is 1 GiB modulo 2^64. */
	static const char * const overflow[] = {
		"17179869184G", "17179869185G", "16E", "18446744073709551616",
		"99999999999999999999999999",
	};
	enum swiotlb_lend_param param = SWIOTLB_LEND_PARAM_DEFAULT;
	u64 bytes = 12345;
	int i;

	KUNIT_EXPECT_EQ(test, swiotlb_lend_parse(NULL, &param, &bytes), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, swiotlb_lend_parse(bad[i], &param, &bytes),
				    -EINVAL, "swiotlb_lend=%s", bad[i]);
		/* Bad input leaves the previous setting alone. */
		KUNIT_EXPECT_EQ(test, param, SWIOTLB_LEND_PARAM_DEFAULT);
		KUNIT_EXPECT_EQ(test, bytes, 12345ULL);
	}
	for (i = 0; i < ARRAY_SIZE(overflow); i++) {
		KUNIT_EXPECT_EQ_MSG(test, swiotlb_lend_parse(overflow[i], &param,
							     &bytes),
				    -ERANGE, "swiotlb_lend=%s", overflow[i]);
		KUNIT_EXPECT_EQ(test, param, SWIOTLB_LEND_PARAM_DEFAULT);
		KUNIT_EXPECT_EQ(test, bytes, 12345ULL);
	}
}

/* Layout */

static int layout_of(unsigned long base, unsigned int nareas,
		     enum swiotlb_lend_param param, u64 reserve, u64 ram,
		     struct swiotlb_lend_layout *l)
{
	return swiotlb_lend_compute_layout(base, nareas, param, reserve, ram,
					   BLOCK_SHIFT, l);
}

static void lend_layout_default(struct kunit *test)
{
	struct swiotlb_lend_layout l;
	int ret;

	/* 64 MiB pool, 2 areas, default reserve = base */
	ret = layout_of(32768, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0,
			(u64)SZ_2G * 3, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 2);
	KUNIT_EXPECT_EQ(test, l.nslabs, 65536UL);
	KUNIT_EXPECT_EQ(test, l.base_nslabs, 32768UL);
	KUNIT_EXPECT_EQ(test, l.area_nslabs, 32768UL);
	KUNIT_EXPECT_EQ(test, l.area_lend_nslabs, 16384UL);
	KUNIT_EXPECT_EQ(test, l.block_nslabs, BLOCK_NSLABS);
	KUNIT_EXPECT_FALSE(test, l.reserve_rounded);
	KUNIT_EXPECT_FALSE(test, l.reserve_clamped);
	KUNIT_EXPECT_FALSE(test, l.base_rounded);
}

static void lend_layout_bad_sizes(struct kunit *test)
{
	struct swiotlb_lend_layout l;
	int ret;

	/* Unaligned: 3 MiB is rounded up to 2 blocks, one per area. */
	ret = layout_of(32768, 2, SWIOTLB_LEND_PARAM_SIZE, 3 * SZ_1M, SZ_2G,
			&l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, l.reserve_rounded);
	KUNIT_EXPECT_EQ(test, l.area_lend_nslabs, BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, l.nslabs - l.base_nslabs, 2 * BLOCK_NSLABS);

	/* Oversized: clamped to a quarter of memory. */
	ret = layout_of(32768, 2, SWIOTLB_LEND_PARAM_SIZE, (u64)SZ_1G * 10,
			SZ_2G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, l.reserve_clamped);
	KUNIT_EXPECT_EQ(test, (u64)(l.nslabs - l.base_nslabs) << IO_TLB_SHIFT,
			(u64)SZ_512M);

	/* The largest size the parser takes: clamped too, not wrapped. */
	ret = layout_of(32768, 2, SWIOTLB_LEND_PARAM_SIZE, U64_MAX, SZ_2G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, l.reserve_clamped);
	KUNIT_EXPECT_EQ(test, (u64)(l.nslabs - l.base_nslabs) << IO_TLB_SHIFT,
			(u64)SZ_512M);

	/* A pageblock larger than a quarter of memory: nothing to lend. */
	ret = swiotlb_lend_compute_layout(32768, 2, SWIOTLB_LEND_PARAM_SIZE,
					  SZ_1G, SZ_1G, 29, &l);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);

	/* Off, an empty base, and one that is not whole segments. */
	ret = layout_of(32768, 2, SWIOTLB_LEND_PARAM_OFF, 0, SZ_2G, &l);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	ret = layout_of(0, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0, SZ_2G, &l);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	ret = layout_of(1000, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0, SZ_2G, &l);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
}

/*
 * Block indexes count from the block-aligned origin below the pool: with
 * a head, block 0 holds no reserve and the reserve's first block begins
 * at the end of the base.
 */
static void lend_block_index_with_head(struct kunit *test)
{
	struct swiotlb_lend_layout l;
	int ret;

	/* 1 MiB base, two blocks: head of half a block. */
	ret = layout_of(512, 1, SWIOTLB_LEND_PARAM_SIZE, SZ_4M, SZ_1G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, l.head_nslabs, BLOCK_NSLABS - 512);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_slot_block(&l, 0), 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_slot_block(&l, 511), 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_slot_block(&l, 512), 1UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_slot_block(&l, 512 + BLOCK_NSLABS), 2UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_first(&l, 1), 512UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_first(&l, 2), 512UL + BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_area(&l, 2), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_slot(&l, 2), 512 + BLOCK_NSLABS);
	/* The last block ends at the end of the pool. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_first(&l, 2) + BLOCK_NSLABS,
			l.nslabs);

	/* Two areas of a 1-block base and 2 lendable blocks each: no head. */
	ret = layout_of(2048, 2, SWIOTLB_LEND_PARAM_SIZE, SZ_8M, SZ_1G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, l.head_nslabs, 0UL);
	/* Block 3 is area 1's base, block 4 its first lendable one. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_area(&l, 4), 1);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_slot(&l, 4), BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_slot_block(&l, 4 * BLOCK_NSLABS), 4UL);
}

/* Every reason to refuse lending, and its precedence. */
static void lend_decide_branches(struct kunit *test)
{
	struct swiotlb_lend_request ok = {
		.param = SWIOTLB_LEND_PARAM_DEFAULT,
		.base_nslabs = 32768,
		.nareas = 2,
		.ram_bytes = SZ_2G,
		.block_shift = BLOCK_SHIFT,
	}, req;
	struct swiotlb_lend_layout l;

	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&ok, &l), SWIOTLB_LEND_YES);
	KUNIT_EXPECT_EQ(test, l.nslabs, 65536UL);

	req = ok;
	req.param = SWIOTLB_LEND_PARAM_OFF;
	req.remap = true;
	req.mem_encrypt = true;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l), SWIOTLB_LEND_NO_OFF);

	req = ok;
	req.remap = true;
	req.mem_encrypt = true;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l),
			SWIOTLB_LEND_NO_REMAP);

	/* Confidential VMs: even an explicit size lends nothing. */
	req = ok;
	req.mem_encrypt = true;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l),
			SWIOTLB_LEND_NO_ENCRYPTED);
	req.param = SWIOTLB_LEND_PARAM_SIZE;
	req.reserve = SZ_64M;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l),
			SWIOTLB_LEND_NO_ENCRYPTED);

	/* A crash kernel: only an explicit size lends. */
	req = ok;
	req.kdump = true;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l),
			SWIOTLB_LEND_NO_KDUMP);
	req.param = SWIOTLB_LEND_PARAM_SIZE;
	req.reserve = SZ_64M;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l), SWIOTLB_LEND_YES);

	/*
	 * 1 MiB pool, 2 MiB pageblocks, 64 MiB of memory: a block is more
	 * than 1/64 of it, only an explicit size lends.
	 */
	req = ok;
	req.base_nslabs = 512;
	req.ram_bytes = SZ_64M;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l),
			SWIOTLB_LEND_NO_SMALL_POOL);
	req.param = SWIOTLB_LEND_PARAM_SIZE;
	req.reserve = SZ_2M;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l), SWIOTLB_LEND_YES);

	/* 512 MiB pageblocks (64 KiB pages) on 1 GiB. */
	req = ok;
	req.param = SWIOTLB_LEND_PARAM_SIZE;
	req.reserve = SZ_512M;
	req.ram_bytes = SZ_1G;
	req.block_shift = 29;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_decide(&req, &l),
			SWIOTLB_LEND_NO_BLOCK);
}

/*
 * A pool the architecture decrypted lends nothing, whatever decided its
 * size: arm64 pKVM guests decrypt through arm64_mem_crypt_ops while
 * cc_platform_has() says nothing is encrypted.
 */
static void lend_block_verdict_decrypted(struct kunit *test)
{
	const struct zone *dma = &NODE_DATA(0)->node_zones[0];
	const struct zone *other = &NODE_DATA(0)->node_zones[1];

	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_verdict(false, dma, dma),
			SWIOTLB_LEND_BLOCK_LEND);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_verdict(true, dma, dma),
			SWIOTLB_LEND_BLOCK_KEEP_DECRYPTED);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_verdict(false, dma, other),
			SWIOTLB_LEND_BLOCK_KEEP_ZONES);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_block_verdict(true, dma, other),
			SWIOTLB_LEND_BLOCK_KEEP_DECRYPTED);
}

static void lend_layout_small_pool(struct kunit *test)
{
	struct swiotlb_lend_layout l;
	int ret;

	/* 2 MiB base on 2 areas (arm64, 2 GiB): one block, so one area. */
	ret = layout_of(1024, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0, SZ_2G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 1);
	KUNIT_EXPECT_TRUE(test, l.areas_cut);
	KUNIT_EXPECT_FALSE(test, l.base_rounded);
	KUNIT_EXPECT_EQ(test, l.head_nslabs, 0UL);
	KUNIT_EXPECT_EQ(test, l.nslabs, 2 * BLOCK_NSLABS);

	/*
	 * A 1 MiB base (arm64, 1 GiB) lends one block by default, as it is
	 * at most 1/64 of memory; one area, whose base is not rounded up: the
	 * pool starts half a block past a block boundary.
	 */
	ret = layout_of(512, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0, SZ_1G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 1);
	KUNIT_EXPECT_FALSE(test, l.base_rounded);
	KUNIT_EXPECT_EQ(test, l.base_nslabs, 512UL);
	KUNIT_EXPECT_EQ(test, l.nslabs, 512UL + BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, l.head_nslabs, BLOCK_NSLABS - 512);
	KUNIT_EXPECT_EQ(test, (l.head_nslabs + l.nslabs - l.area_lend_nslabs) %
			      BLOCK_NSLABS, 0);
	/* ... unless a block is more than 1/64 of memory. */
	ret = layout_of(512, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0, SZ_128M, &l);
	KUNIT_EXPECT_EQ(test, ret, 0);
	ret = layout_of(512, 2, SWIOTLB_LEND_PARAM_DEFAULT, 0, SZ_128M - 1, &l);
	KUNIT_EXPECT_EQ(test, ret, -E2BIG);

	/* Asked for explicitly, the same. */
	ret = layout_of(512, 2, SWIOTLB_LEND_PARAM_SIZE, SZ_1M, SZ_2G, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 1);
	KUNIT_EXPECT_TRUE(test, l.reserve_rounded);
	KUNIT_EXPECT_FALSE(test, l.base_rounded);
	KUNIT_EXPECT_EQ(test, l.base_nslabs, 512UL);
	KUNIT_EXPECT_EQ(test, l.nslabs, 512UL + BLOCK_NSLABS);

	/*
	 * A phone with 16 KiB pages (32 MiB pageblocks), 8 GiB and 8 CPUs:
	 * the 8 MiB kmalloc() bouncing pool lends one block, in one area,
	 * and keeps its 8 MiB base (it grew to 32 MiB, in 1 area of 8).
	 */
	ret = swiotlb_lend_compute_layout(4096, 8, SWIOTLB_LEND_PARAM_DEFAULT,
					  0, (u64)SZ_4G * 2, 25, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 1);
	KUNIT_EXPECT_TRUE(test, l.areas_cut);
	KUNIT_EXPECT_EQ(test, l.base_nslabs, 4096UL);
	KUNIT_EXPECT_EQ(test, l.nslabs - l.base_nslabs, 16384UL);
	KUNIT_EXPECT_EQ(test, l.head_nslabs, 16384UL - 4096);

	/*
	 * The same pool lending 64 MiB explicitly: 2 blocks, but 2 areas
	 * would grow the base to 32 MiB; one area keeps it at 8 MiB.
	 */
	ret = swiotlb_lend_compute_layout(4096, 8, SWIOTLB_LEND_PARAM_SIZE,
					  SZ_64M, (u64)SZ_4G * 2, 25, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 1);
	KUNIT_EXPECT_EQ(test, l.base_nslabs, 4096UL);
	KUNIT_EXPECT_EQ(test, l.head_nslabs, 16384UL - 4096);
	KUNIT_EXPECT_EQ(test, l.area_lend_nslabs, 2 * 16384UL);

	/*
	 * 16 KiB pages, a 64 MiB pool on 8 areas: 2 blocks, whose areas
	 * (2) keep the base whole.
	 */
	ret = swiotlb_lend_compute_layout(32768, 8, SWIOTLB_LEND_PARAM_DEFAULT,
					  0, (u64)SZ_4G * 2, 25, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 2);
	KUNIT_EXPECT_FALSE(test, l.base_rounded);
	KUNIT_EXPECT_EQ(test, l.head_nslabs, 0UL);

	/*
	 * 64 KiB pages: 512 MiB pageblocks and a 64 MiB default reserve:
	 * a block is more than 1/64 of 16 GiB.  swiotlb_lend=512M lends one
	 * block without growing the 64 MiB base to 512 MiB as it did.
	 */
	ret = swiotlb_lend_compute_layout(32768, 2, SWIOTLB_LEND_PARAM_DEFAULT,
					  0, (u64)SZ_4G * 4, 29, &l);
	KUNIT_EXPECT_EQ(test, ret, -E2BIG);
	ret = swiotlb_lend_compute_layout(32768, 2, SWIOTLB_LEND_PARAM_SIZE,
					  SZ_512M, (u64)SZ_4G * 4, 29, &l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, l.nareas, 1);
	KUNIT_EXPECT_EQ(test, l.base_nslabs, 32768UL);
	KUNIT_EXPECT_EQ(test, l.nslabs, 32768UL + (SZ_512M >> IO_TLB_SHIFT));
}

static void check_spreading(struct kunit *test, unsigned long base,
			    unsigned int nareas, u64 reserve)
{
	struct swiotlb_lend_layout l;
	int ret;

	ret = layout_of(base, nareas, SWIOTLB_LEND_PARAM_SIZE, reserve, SZ_4G,
			&l);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_TRUE(test, is_power_of_2(l.nareas));
	KUNIT_EXPECT_LE(test, l.nareas, nareas);
	KUNIT_EXPECT_EQ(test, l.areas_cut, l.nareas < nareas);
	KUNIT_EXPECT_EQ(test, l.nslabs, l.area_nslabs * l.nareas);
	/* Every area's reserve is aligned, counted from the block grid. */
	KUNIT_EXPECT_EQ(test, (l.head_nslabs + l.area_nslabs) % BLOCK_NSLABS, 0);
	KUNIT_EXPECT_EQ(test, l.nareas == 1 || !(l.area_nslabs % BLOCK_NSLABS),
			true);
	KUNIT_EXPECT_EQ(test, l.nareas == 1 || !l.head_nslabs, true);
	KUNIT_EXPECT_LT(test, l.head_nslabs, BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, l.head_nslabs % IO_TLB_SEGSIZE, 0);
	KUNIT_EXPECT_EQ(test, l.area_lend_nslabs % BLOCK_NSLABS, 0);
	KUNIT_EXPECT_GE(test, l.area_lend_nslabs, BLOCK_NSLABS);
	KUNIT_EXPECT_GE(test, l.area_nslabs - l.area_lend_nslabs,
			DIV_ROUND_UP(base, l.nareas));
	KUNIT_EXPECT_GE(test, l.base_nslabs, base);
	/* The base grows by an eighth at most. */
	KUNIT_EXPECT_LE(test, l.base_nslabs - base, base / 8);
	/* Never more than asked for, beyond rounding to blocks. */
	KUNIT_EXPECT_LE(test, (u64)(l.nslabs - l.base_nslabs) << IO_TLB_SHIFT,
			round_up(reserve, SZ_2M));
}

/* Every area keeps at least its base share, in whole aligned blocks. */
static void lend_layout_area_spreading(struct kunit *test)
{
	static const unsigned long bases[] = { 128, 512, 1024, 32768, 100096 };
	static const u64 reserves[] = { SZ_1M, SZ_2M, 3 * SZ_1M, SZ_16M,
					100 * SZ_1M, SZ_256M };
	static const unsigned int nareas[] = { 1, 2, 4, 8 };
	int b, r, a;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		for (r = 0; r < ARRAY_SIZE(reserves); r++) {
			for (a = 0; a < ARRAY_SIZE(nareas); a++)
				check_spreading(test, bases[b], nareas[a],
						reserves[r]);
		}
	}
}

/* Slot accounting on a real slot allocator instance */

#define TEST_NAREAS	2
#define TEST_AREA_NSLABS (2 * BLOCK_NSLABS)
#define TEST_NSLABS	(TEST_NAREAS * TEST_AREA_NSLABS)
#define TEST_START	((phys_addr_t)SZ_4G)	/* never dereferenced */
#define SEG_BYTES	(IO_TLB_SEGSIZE << IO_TLB_SHIFT)

struct lend_pool_ctx {
	struct io_tlb_pool pool;
	struct io_tlb_mem mem;
	struct device *dev;
	void *vaddr;
};

static int lend_pool_init(struct kunit *test)
{
	struct lend_pool_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->vaddr = vzalloc(TEST_NSLABS << IO_TLB_SHIFT);
	if (!ctx->vaddr)
		return -ENOMEM;
	if (swiotlb_kunit_pool_init(&ctx->pool, TEST_START, ctx->vaddr,
				    TEST_NSLABS, TEST_NAREAS)) {
		vfree(ctx->vaddr);
		return -ENOMEM;
	}
	ctx->dev = kunit_device_register(test, "swiotlb-lend-kunit");
	if (IS_ERR(ctx->dev)) {
		swiotlb_kunit_pool_free(&ctx->pool);
		vfree(ctx->vaddr);
		return PTR_ERR(ctx->dev);
	}
	/* Counters of this test's own allocator, not the default one. */
	ctx->dev->dma_io_tlb_mem = &ctx->mem;
	test->priv = ctx;
	return 0;
}

static void lend_pool_exit(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;

	if (!ctx)
		return;
	swiotlb_kunit_pool_free(&ctx->pool);
	vfree(ctx->vaddr);
}

/* Map one whole segment in @area; returns its first slot index or -1. */
static int map_segment(struct lend_pool_ctx *ctx, int area)
{
	return swiotlb_search_pool_area(ctx->dev, &ctx->pool, area, 0,
					SEG_BYTES, 0);
}

static void unmap_slot(struct lend_pool_ctx *ctx, int index)
{
	swiotlb_release_slots(ctx->dev, TEST_START +
			      ((phys_addr_t)index << IO_TLB_SHIFT), &ctx->pool);
}

/*
 * Map whole segments in @area until it is full (at most @max); each must
 * lie in slots [@lo, @hi).  Returns how many, their indices in @idx.
 */
static int map_until_full(struct kunit *test, struct lend_pool_ctx *ctx,
			  int area, int *idx, int max, int lo, int hi)
{
	int n;

	for (n = 0; n < max; n++) {
		idx[n] = map_segment(ctx, area);
		if (idx[n] < 0)
			break;
		KUNIT_EXPECT_GE(test, idx[n], lo);
		KUNIT_EXPECT_LT(test, idx[n], hi);
	}
	return n;
}

static void unmap_all(struct lend_pool_ctx *ctx, const int *idx, int n)
{
	while (n--)
		unmap_slot(ctx, idx[n]);
}

/* Lend the top @nblocks blocks of an area without holes. */
static int take_top(struct io_tlb_pool *pool, unsigned int area,
		    unsigned int nblocks)
{
	unsigned int first = swiotlb_area_owned(pool, area) -
			     nblocks * BLOCK_NSLABS;

	return swiotlb_area_take_slots(pool, area, first, nblocks * BLOCK_NSLABS,
				       first);
}

static void lend_take_slots_accounting(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, swiotlb_area_owned(pool, 0), TEST_AREA_NSLABS);
	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 1), 0);

	/* The area's search window ends below the lent block. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 1), TEST_AREA_NSLABS);
	/* Lent slots are unavailable, and not counted as used. */
	for (i = BLOCK_NSLABS; i < TEST_AREA_NSLABS; i++)
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, i), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 0), 0);
	/* Free runs below the block end at its edge: segment edges. */
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, 0), IO_TLB_SEGSIZE);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS - 1), 1);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS - 128),
			IO_TLB_SEGSIZE);
	/* The other area is untouched. */
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, TEST_AREA_NSLABS),
			IO_TLB_SEGSIZE);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, TEST_NSLABS - 1), 1);
}

static void lend_take_slots_bad(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;

	/* Not a whole number of segments, or more than the area owns. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_take_slots(pool, 0, 0, 100,
						      TEST_AREA_NSLABS), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_area_take_slots(pool, 0, 100, BLOCK_NSLABS,
						      TEST_AREA_NSLABS), -EINVAL);
	KUNIT_EXPECT_EQ(test,
			swiotlb_area_take_slots(pool, 0, 0, TEST_AREA_NSLABS +
						IO_TLB_SEGSIZE, 0),
			-EINVAL);
	/* A window that shrinks over slots that are not lent. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_take_slots(pool, 0, BLOCK_NSLABS,
						      BLOCK_NSLABS, 0), -EINVAL);
	/* A window that shrinks, but not from its top. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_take_slots(pool, 0, 0, BLOCK_NSLABS,
						      0), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), TEST_AREA_NSLABS);
}

/* A block with a bounce buffer in use is never taken. */
static void lend_take_slots_busy(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	int idx[TEST_AREA_NSLABS / IO_TLB_SEGSIZE];
	int n, i;

	for (n = 0; n < ARRAY_SIZE(idx); n++) {
		idx[n] = map_segment(ctx, 1);
		KUNIT_ASSERT_GE(test, idx[n], 0);
	}
	KUNIT_EXPECT_EQ(test, map_segment(ctx, 1), -1);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 1), TEST_AREA_NSLABS);

	KUNIT_EXPECT_EQ(test, take_top(pool, 1, 1),
			-EBUSY);
	/* Free everything in the top block but one segment: still busy. */
	for (i = 0; i < n; i++) {
		if (idx[i] >= TEST_AREA_NSLABS + BLOCK_NSLABS &&
		    idx[i] != TEST_NSLABS - IO_TLB_SEGSIZE) {
			unmap_slot(ctx, idx[i]);
			idx[i] = -1;
		}
	}
	KUNIT_EXPECT_EQ(test, take_top(pool, 1, 1),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 1), TEST_AREA_NSLABS);

	for (i = 0; i < n; i++)
		if (idx[i] >= 0)
			unmap_slot(ctx, idx[i]);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 1), 0);
	KUNIT_EXPECT_EQ(test, take_top(pool, 1, 1), 0);
}

/* With its top lent, an area hands out exactly its base, never lent slots. */
static void lend_map_never_returns_lent_slots(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	int idx[TEST_AREA_NSLABS / IO_TLB_SEGSIZE + 1];
	int n, i, round;

	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 1), 0);

	/* Twice, so that the second round starts from a wrapped index. */
	for (round = 0; round < 2; round++) {
		n = map_until_full(test, ctx, 0, idx, ARRAY_SIZE(idx), 0,
				   BLOCK_NSLABS);
		KUNIT_EXPECT_EQ(test, n, (int)(BLOCK_NSLABS / IO_TLB_SEGSIZE));
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 0),
				BLOCK_NSLABS);
		unmap_all(ctx, idx, n);
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 0), 0);
	}
	/* Releases next to the lent block never merge into it. */
	for (i = BLOCK_NSLABS; i < TEST_AREA_NSLABS; i++)
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, i), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS - 1), 1);
}

/* Slots given back are free runs again, exactly as at boot. */
static void lend_give_slots_restores_runs(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	int idx[TEST_AREA_NSLABS / IO_TLB_SEGSIZE + 1];
	unsigned int i;
	int n;

	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 1), 0);
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS, BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), TEST_AREA_NSLABS);
	for (i = 0; i < TEST_AREA_NSLABS; i++)
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, i),
				IO_TLB_SEGSIZE - (i % IO_TLB_SEGSIZE));

	/* Every segment of the area can be mapped again, the block's too. */
	n = map_until_full(test, ctx, 0, idx, ARRAY_SIZE(idx), 0,
			   TEST_AREA_NSLABS);
	KUNIT_EXPECT_EQ(test, n, (int)(TEST_AREA_NSLABS / IO_TLB_SEGSIZE));
	unmap_all(ctx, idx, n);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 0), 0);
}

static void lend_give_slots_bad(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;

	/* Nothing above the window to give, or not whole segments. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS, BLOCK_NSLABS),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS, 2 * BLOCK_NSLABS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), BLOCK_NSLABS);
}

/*
 * Reclaim and re-lend with bounce buffers in use right below the block and
 * in the next area: their runs are untouched, and a release next to the
 * block never merges into a block that is lent.
 */
static void lend_give_take_at_edges(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	int below, next;

	/* The whole area 0 lent: nothing to map there. */
	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, map_segment(ctx, 0), -1);

	/* One block back: exactly its slots can be mapped. */
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, 0, BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), BLOCK_NSLABS);
	/* The last segment below the top block, and the next area's first. */
	next = map_segment(ctx, 1);
	KUNIT_ASSERT_EQ(test, next, (int)TEST_AREA_NSLABS);
	while ((below = map_segment(ctx, 0)) >= 0 &&
	       below != BLOCK_NSLABS - IO_TLB_SEGSIZE)
		;
	KUNIT_ASSERT_EQ(test, below, (int)(BLOCK_NSLABS - IO_TLB_SEGSIZE));

	/* Give the top block: runs of the busy neighbours stay 0. */
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS, BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS - 1), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS),
			IO_TLB_SEGSIZE);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, TEST_AREA_NSLABS - 1), 1);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, TEST_AREA_NSLABS), 0);

	/* Lend it again, then release the neighbour below: no merge. */
	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 1), 0);
	unmap_slot(ctx, below);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, below), IO_TLB_SEGSIZE);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS - 1), 1);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS), 0);
	unmap_slot(ctx, next);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, TEST_AREA_NSLABS),
			IO_TLB_SEGSIZE);
}

/*
 * A block taken back above one that stays lent (pinned): the lower one is
 * a hole in the window that no search returns, the capacity counts only
 * what is owned, and lending the top again shrinks the window over the
 * hole.  Before holes, an area's lent blocks had to stay contiguous at its
 * top, and one stuck block kept all those above it lent.
 */
static void lend_hole_below_taken_back_block(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	int idx[TEST_AREA_NSLABS / IO_TLB_SEGSIZE + 1];
	unsigned int i;
	int n;

	/* The whole area lent; its upper block comes back, the lower not. */
	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 2), 0);
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS,
						      BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), BLOCK_NSLABS);
	for (i = 0; i < BLOCK_NSLABS; i++)
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, i), 0);

	/* Only the upper block's segments are mapped, then nothing. */
	n = map_until_full(test, ctx, 0, idx, ARRAY_SIZE(idx), BLOCK_NSLABS,
			   TEST_AREA_NSLABS);
	KUNIT_EXPECT_EQ(test, n, (int)(BLOCK_NSLABS / IO_TLB_SEGSIZE));
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_area_used(pool, 0), BLOCK_NSLABS);
	unmap_all(ctx, idx, n);
	/* The hole's slots stay unavailable after the releases above it. */
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS - 1), 0);

	/* The hole comes back too: the whole area is free runs again. */
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, 0, BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), TEST_AREA_NSLABS);
	for (i = 0; i < TEST_AREA_NSLABS; i++)
		KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, i),
				IO_TLB_SEGSIZE - (i % IO_TLB_SEGSIZE));
	/* Given twice: refused, nothing counted. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_give_slots(pool, 0, 0, BLOCK_NSLABS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), TEST_AREA_NSLABS);
}

/* Lending blocks again around a hole, from the top and below a kept block. */
static void lend_hole_relend_shrinks_window(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;

	/* Lower block lent (a hole), upper owned. */
	KUNIT_ASSERT_EQ(test, take_top(pool, 0, 2), 0);
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS,
						      BLOCK_NSLABS), 0);
	/* Lending the upper one again shrinks the window over the hole. */
	KUNIT_EXPECT_EQ(test, swiotlb_area_take_slots(pool, 0, BLOCK_NSLABS,
						      BLOCK_NSLABS, 0), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), 0U);
	KUNIT_EXPECT_EQ(test, map_segment(ctx, 0), -1);
	/* From there, the lower block comes back above the empty window. */
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, 0, BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), BLOCK_NSLABS);

	/* A lower block lent below an owned upper one: a hole again. */
	KUNIT_ASSERT_EQ(test, swiotlb_area_give_slots(pool, 0, BLOCK_NSLABS,
						      BLOCK_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_take_slots(pool, 0, 0, BLOCK_NSLABS,
						      TEST_AREA_NSLABS), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 0), BLOCK_NSLABS);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, 0), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, BLOCK_NSLABS),
			IO_TLB_SEGSIZE);
}

/*
 * A reserve block that cannot be lent (it spans two zones) goes straight
 * to the slot allocator and is marked kept: before, it stayed out of
 * service with its lent bit set, and the worker retried it forever.
 */
static void lend_keep_unlendable_block(struct kunit *test)
{
	struct lend_pool_ctx *ctx = test->priv;
	struct io_tlb_pool *pool = &ctx->pool;
	const struct swiotlb_lend_layout l = {
		.nslabs = TEST_NSLABS,
		.nareas = TEST_NAREAS,
		.area_nslabs = TEST_AREA_NSLABS,
		.area_lend_nslabs = BLOCK_NSLABS,
		.base_nslabs = TEST_NAREAS * BLOCK_NSLABS,
		.block_nslabs = BLOCK_NSLABS,
		.block_shift = BLOCK_SHIFT,
	};
	unsigned long lent[1] = { 0 }, kept[1] = { 0 };

	/* Block 3 is area 1's reserve, lent. */
	pool->lent_blocks = lent;
	KUNIT_ASSERT_EQ(test, take_top(pool, 1, 1), 0);
	swiotlb_lend_set_owner(pool, 3, true);

	KUNIT_EXPECT_EQ(test, swiotlb_lend_keep_block(pool, &l, kept, 3), 0);
	KUNIT_EXPECT_EQ(test, lent[0], 0UL);
	KUNIT_EXPECT_EQ(test, kept[0], 1UL << 3);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 1), TEST_AREA_NSLABS);
	KUNIT_EXPECT_EQ(test, swiotlb_kunit_slot_list(pool, TEST_NSLABS - 1), 1);

	/* A block that is not lent cannot be kept again. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_keep_block(pool, &l, kept, 3), -EINVAL);
	KUNIT_EXPECT_EQ(test, lent[0], 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_area_owned(pool, 1), TEST_AREA_NSLABS);
	pool->lent_blocks = NULL;
}

/* Ownership lookup at block edges */

static void lend_owner_at_block_edges(struct kunit *test)
{
	const phys_addr_t start = SZ_1G, block = SZ_2M;
	struct io_tlb_pool pool = {
		.start = start,
		.end = start + 4 * block,
		.lend_origin = start,
		.lend_shift = BLOCK_SHIFT,
	};
	unsigned long bits[1] = { 0 };

	/* Without a bitmap, the whole range is swiotlb's. */
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + 4 * block - 1));

	pool.lent_blocks = bits;
	swiotlb_lend_set_owner(&pool, 2, true);
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start - 1));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + 2 * block - 1));
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start + 2 * block));
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start + 3 * block - 1));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + 3 * block));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + 4 * block - 1));
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start + 4 * block));

	swiotlb_lend_set_owner(&pool, 2, false);
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + 2 * block));
	KUNIT_EXPECT_EQ(test, bits[0], 0UL);

	/*
	 * One area whose base is not whole blocks: the pool starts a quarter
	 * block past the origin of the block grid, its reserve (block 1)
	 * is aligned.
	 */
	pool.start = start + block / 4;
	pool.end = start + 2 * block;
	swiotlb_lend_set_owner(&pool, 1, true);
	/* The head went back to memblock: not the pool's. */
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start));
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, pool.start - 1));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, pool.start));
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + block - 1));
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start + block));
	KUNIT_EXPECT_FALSE(test, swiotlb_pool_owns(&pool, start + 2 * block - 1));
	swiotlb_lend_set_owner(&pool, 1, false);
	KUNIT_EXPECT_TRUE(test, swiotlb_pool_owns(&pool, start + block));
}

/* Reclaim policy */

static void reclaim_wmarks(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(4096, 16384, 32768), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(1, 32768, 32768), 0);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(0, 16384, 32768), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(16384, 16384, 32768), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(16385, 16384, 32768), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(4096, 32769, 32768), -EINVAL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_check_wmarks(ULONG_MAX, ULONG_MAX, 32768),
			-EINVAL);

	/* Shares round up, so a small watermark never becomes zero. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_area_share(16384, 2), 8192U);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_area_share(4097, 2), 2049U);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_area_share(1, 8), 1U);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_area_share(4096, 1), 4096U);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_area_share(4096, 0), 4096U);
}

static void reclaim_pick_block(struct kunit *test)
{
	struct swiotlb_lend_candidate c[] = {
		{ .area = 0, .block = 16, .area_free = 100, .used_pages = 300 },
		{ .area = 1, .block = 48, .area_free = 900, .used_pages = 12 },
		{ .area = 2, .block = 80, .area_free = 50, .used_pages = 12 },
		{ .area = 3, .block = 112, .area_free = 50, .used_pages = 12 },
	};

	KUNIT_EXPECT_EQ(test, swiotlb_lend_pick_block(c, 0), -1);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_pick_block(c, 1), 0);
	/* Fewest pages to migrate first. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_pick_block(c, 2), 1);
	/* Same cost: the area with the fewest free slots. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_pick_block(c, 3), 2);
	/* Same cost and need: the lowest block. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_pick_block(c, 4), 2);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_pick_block(c + 3, 1), 0);
}

/*
 * One area under a load, step by step, with the worker's rules: reclaim a
 * block below the low share until the high share is reached, re-lend while
 * a block's worth stays above the high share.  Returns the number of
 * blocks that moved either way.
 */
static unsigned int simulate(unsigned long *owned, unsigned long base,
			     unsigned long reserve, const unsigned long *used,
			     unsigned int steps, unsigned long low,
			     unsigned long high)
{
	unsigned int moves = 0, i;

	for (i = 0; i < steps; i++) {
		unsigned long u = min(used[i], *owned);

		if (*owned - u < low) {
			while (*owned - u < high && *owned < base + reserve) {
				*owned += BLOCK_NSLABS;
				moves++;
			}
		} else {
			while (*owned > base &&
			       swiotlb_lend_may_relend(*owned - u, BLOCK_NSLABS,
						       high)) {
				*owned -= BLOCK_NSLABS;
				moves++;
			}
		}
	}
	return moves;
}

static void reclaim_hysteresis(struct kunit *test)
{
	const unsigned long base = 16 * BLOCK_NSLABS, reserve = 16 * BLOCK_NSLABS;
	const unsigned long low = base / 8, high = base / 2;
	unsigned long load[64], owned = base;
	unsigned int i;

	/* A steady load that keeps free slots between the watermarks. */
	for (i = 0; i < ARRAY_SIZE(load); i++)
		load[i] = base - high + 1 + (i * 997) % (high - low - 2);
	KUNIT_EXPECT_EQ(test, simulate(&owned, base, reserve, load,
				       ARRAY_SIZE(load), low, high), 0U);
	KUNIT_EXPECT_EQ(test, owned, base);

	/* A burst that needs most of the reserve: reclaimed, then held. */
	for (i = 0; i < ARRAY_SIZE(load); i++)
		load[i] = base + reserve / 2;
	KUNIT_EXPECT_GT(test, simulate(&owned, base, reserve, load, 4, low,
				       high), 0U);
	KUNIT_EXPECT_GE(test, owned - load[0], high);
	/* The same load again and again moves nothing. */
	KUNIT_EXPECT_EQ(test, simulate(&owned, base, reserve, load + 4,
				       ARRAY_SIZE(load) - 4, low, high), 0U);

	/* Idle: everything is lent again, and nothing flips back. */
	memset(load, 0, sizeof(load));
	simulate(&owned, base, reserve, load, 1, low, high);
	KUNIT_EXPECT_EQ(test, owned, base);
	KUNIT_EXPECT_EQ(test, simulate(&owned, base, reserve, load,
				       ARRAY_SIZE(load), low, high), 0U);

	/* Never more than the whole reserve, even for an impossible load. */
	for (i = 0; i < ARRAY_SIZE(load); i++)
		load[i] = 4 * (base + reserve);
	simulate(&owned, base, reserve, load, ARRAY_SIZE(load), low, high);
	KUNIT_EXPECT_EQ(test, owned, base + reserve);
}

/* jiffies on 32-bit for the first five minutes: just short of a wrap. */
#define JIFFIES32_AT_BOOT	((unsigned long)(unsigned int)(-300 * HZ))
/* The same distance short of a wrap of this kernel's unsigned long. */
#define JIFFIES_NEAR_WRAP	((unsigned long)(-300 * HZ))

/* The grace period before re-lending, across jiffies wraps. */
static void reclaim_time_left(struct kunit *test)
{
	const unsigned long grace = 5000;

	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(5000, 4000, grace), 4000UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(9000, 4000, grace), 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(9001, 4000, grace), 0UL);
	/* Busy right now, and busy a tick after "now" was read. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(4000, 4000, grace), grace);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(4000, 4001, grace), 0UL);
	/* Busy just before jiffies wrapped. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(100, ULONG_MAX - 10, grace),
			grace - 111);
	/*
	 * Never busy since boot (last_busy 0) with jiffies still short of
	 * their first wrap, as on 32-bit: quiet, not a wait of minutes.
	 */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(ULONG_MAX - 287000, 0, grace),
			0UL);
}

/*
 * Backoff and retry periods that were never set, or set long ago, are
 * over; before they were kept as an end time, and time_before(jiffies, 0)
 * ignored every kick for the first five minutes of a 32-bit kernel.
 */
static void reclaim_backoff_across_wraps(struct kunit *test)
{
	const unsigned long half = 1UL << (BITS_PER_LONG - 1);
	const unsigned long second = HZ;
	unsigned long now;

	/*
	 * No backoff yet, at boot on 32-bit and on 64-bit, and as near a
	 * wrap as 32-bit boots are, whatever the width of a long here.
	 */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(JIFFIES32_AT_BOOT, 0, 0), 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(INITIAL_JIFFIES, 0, 0), 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(JIFFIES_NEAR_WRAP, 0, 0), 0UL);
	/* A backoff begun at boot runs its length, across the wrap. */
	now = JIFFIES32_AT_BOOT;
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(now + 10, now, second),
			second - 10);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(now + 300 * HZ + 5, now,
						     300 * HZ + 10), 5UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(now + second, now, second),
			0UL);
	/*
	 * A failure left over from 2^(BITS_PER_LONG-1) jiffies ago is not
	 * "in the future" again: its block is tried at once.
	 */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(now + half +
						     swiotlb_lend_retry_delay(3), now,
						     swiotlb_lend_retry_delay(3)),
			0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_time_left(now + half - 1, now,
						     swiotlb_lend_retry_delay(3)),
			0UL);

	/* Retry delays: none before a failure, then doubling to a second. */
	KUNIT_EXPECT_EQ(test, swiotlb_lend_retry_delay(0), 0UL);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_retry_delay(1),
			(unsigned long)max(1, HZ / 100));
	KUNIT_EXPECT_EQ(test, swiotlb_lend_retry_delay(2),
			2UL * max(1, HZ / 100));
	KUNIT_EXPECT_LE(test, swiotlb_lend_retry_delay(7), second);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_retry_delay(20), second);
	KUNIT_EXPECT_EQ(test, swiotlb_lend_retry_delay(U8_MAX), second);
}

/*
 * A sleepable mapping waits only when the worker may bring slots back
 * before its deadline: before, it waited its whole lend_wait_ms for a
 * restricted pool, with nothing lent, and while the worker backed off.
 */
static void reclaim_wait_helps(struct kunit *test)
{
	/* The default pool, blocks lent, the worker free to work. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_wait_helps(true, 3, 0, 10));
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_wait_helps(true, 1, 0, 1));
	/* A restricted DMA pool never gets a block back. */
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_wait_helps(false, 3, 0, 10));
	/* Nothing lent: nothing to take back. */
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_wait_helps(true, 0, 0, 10));
	/* Backing off: worth it only if the worker tries before the deadline. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_wait_helps(true, 3, 9, 10));
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_wait_helps(true, 3, 10, 10));
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_wait_helps(true, 3, HZ, 10));
	/* The deadline has passed. */
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_wait_helps(true, 3, 0, 0));
}

/*
 * With CONFIG_SWIOTLB_DYNAMIC, a lending pool grows by taking its reserve
 * back, and adds pools (kept for good) only once nothing is left to take
 * back, or the worker will not: before, a burst added a pool while half
 * the reserve was lent.
 */
static void reclaim_dynamic_grows_after_reserve(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_may_grow(true, 1, true));
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_may_grow(true, 32, true));
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_grow(true, 0, true));
	/* Blocks the worker will not bring back are no growth. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_grow(true, 32, false));
	/* A pool that does not lend grows as without lending. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_grow(false, 32, true));
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_grow(false, 0, true));
}

/*
 * The loan is repaid down to the low watermark, never below: a block whose
 * pages in use would take the node below it stays lent (before, the
 * worker migrated them regardless, and others met the OOM killer).
 */
static void reclaim_take_back_only_what_memory_absorbs(struct kunit *test)
{
	/* 512 pages in use, low watermarks 1000 pages. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_take_back(1512, 0, 512, 1000));
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_may_take_back(1511, 0, 512, 1000));
	/* Page cache that reclaim may drop makes room too. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_take_back(500, 1012, 512, 1000));
	KUNIT_EXPECT_FALSE(test, swiotlb_lend_may_take_back(500, 1011, 512, 1000));
	/* A block with nothing in use needs no room at all. */
	KUNIT_EXPECT_TRUE(test, swiotlb_lend_may_take_back(0, 0, 0, 1000));
}

static struct kunit_case lend_pure_cases[] = {
	KUNIT_CASE(lend_parse_good),
	KUNIT_CASE(lend_parse_bad),
	KUNIT_CASE(lend_layout_default),
	KUNIT_CASE(lend_layout_bad_sizes),
	KUNIT_CASE(lend_layout_small_pool),
	KUNIT_CASE(lend_layout_area_spreading),
	KUNIT_CASE(lend_block_index_with_head),
	KUNIT_CASE(lend_decide_branches),
	KUNIT_CASE(lend_block_verdict_decrypted),
	KUNIT_CASE(lend_owner_at_block_edges),
	KUNIT_CASE(reclaim_wmarks),
	KUNIT_CASE(reclaim_pick_block),
	KUNIT_CASE(reclaim_hysteresis),
	KUNIT_CASE(reclaim_time_left),
	KUNIT_CASE(reclaim_backoff_across_wraps),
	KUNIT_CASE(reclaim_wait_helps),
	KUNIT_CASE(reclaim_dynamic_grows_after_reserve),
	KUNIT_CASE(reclaim_take_back_only_what_memory_absorbs),
	{}
};

static struct kunit_suite lend_suite = {
	.name = "swiotlb_lend",
	.test_cases = lend_pure_cases,
};

static struct kunit_case lend_pool_cases[] = {
	KUNIT_CASE(lend_take_slots_accounting),
	KUNIT_CASE(lend_take_slots_bad),
	KUNIT_CASE(lend_take_slots_busy),
	KUNIT_CASE(lend_map_never_returns_lent_slots),
	KUNIT_CASE(lend_give_slots_restores_runs),
	KUNIT_CASE(lend_give_slots_bad),
	KUNIT_CASE(lend_give_take_at_edges),
	KUNIT_CASE(lend_hole_below_taken_back_block),
	KUNIT_CASE(lend_hole_relend_shrinks_window),
	KUNIT_CASE(lend_keep_unlendable_block),
	{}
};

static struct kunit_suite lend_pool_suite = {
	.name = "swiotlb_lend_slots",
	.init = lend_pool_init,
	.exit = lend_pool_exit,
	.test_cases = lend_pool_cases,
};

/*
 * The take-back worker holds the per-CPU LRU caches disabled across a run,
 * and alloc_contig_range() disables them again for each block: the nested
 * call skips the drain, which is right only while the outer hold lasts.
 */

/*
 * A movable folio, charged as a user page would be, to put on the LRU;
 * NULL (the test failed) if there is none.
 */
static struct folio *lru_test_folio(struct kunit *test)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER_MOVABLE, 0);

	if (!folio) {
		KUNIT_FAIL(test, "cannot allocate a folio");
		return NULL;
	}
	if (mem_cgroup_charge(folio, NULL, GFP_KERNEL)) {
		folio_put(folio);
		KUNIT_FAIL(test, "cannot charge a folio");
		return NULL;
	}
	return folio;
}

/*
 * A folio left in this CPU's LRU-add cache, so that a drain shows as
 * folio_test_lru().  A cache that fills up drains at once, and the next
 * folio then stays in it.  NULL, and the test skipped, while somebody
 * else holds the caches disabled (memory offlining, a migration): then
 * nothing stays in a cache.
 */
static struct folio *lru_cached_folio(struct kunit *test)
{
	int tries;

	for (tries = 0; tries < 3 && !lru_cache_disabled(); tries++) {
		struct folio *folio = lru_test_folio(test);

		KUNIT_ASSERT_NOT_NULL(test, folio);
		folio_add_lru(folio);
		if (!folio_test_lru(folio))
			return folio;
		folio_put(folio);
	}
	kunit_skip(test, "the LRU caches are disabled by another holder");
	return NULL;
}

/* A hold that has ended leaves nothing a later one may trust. */
static void lru_disable_drains_after_ended_hold(struct kunit *test)
{
	struct folio *folio;

	lru_cache_disable();
	lru_cache_enable();

	folio = lru_cached_folio(test);
	lru_cache_disable();
	KUNIT_EXPECT_TRUE_MSG(test, folio_test_lru(folio),
			      "a folio stayed in a per-CPU cache past lru_cache_disable()");
	lru_cache_enable();
	folio_put(folio);
}

/*
 * A nested hold returns with the caches drained, and with the caches
 * disabled nothing stays in them (what lets a nested hold skip the
 * drain).  The ordering between holders on several CPUs is argued in
 * lru_cache_disable(), not tested here.
 */
static void lru_disable_nested(struct kunit *test)
{
	struct folio *folio = lru_cached_folio(test), *added;

	lru_cache_disable();
	KUNIT_EXPECT_TRUE(test, folio_test_lru(folio));

	added = lru_test_folio(test);
	if (added) {
		folio_add_lru(added);
		KUNIT_EXPECT_TRUE_MSG(test, folio_test_lru(added),
				      "a folio was cached with the caches disabled");
	}

	lru_cache_disable();
	lru_cache_enable();
	KUNIT_EXPECT_TRUE(test, lru_cache_disabled());
	lru_cache_enable();
	if (added)
		folio_put(added);
	folio_put(folio);
}

/* The holds of the tests above must have left nothing to trust either. */
static void lru_disable_drains_after_nested_holds(struct kunit *test)
{
	lru_disable_drains_after_ended_hold(test);
}

/*
 * Holders on another CPU.  The test stays in a preempt-disabled region
 * while they run: synchronize_rcu_expedited() waits for it, as it waits
 * for every reader of lru_disable_count (see lru_cache_disable()), so a
 * holder that drains cannot return meanwhile and one that skips the
 * drain returns at once.  Which of the two a holder did shows without
 * timing it.
 */
struct lru_holder {
	struct task_struct *task;
	struct completion done;
	bool returned;
};

static int lru_holder_fn(void *data)
{
	struct lru_holder *h = data;

	lru_cache_disable();
	WRITE_ONCE(h->returned, true);
	complete(&h->done);
	return 0;
}

/* A holder bound to another CPU than the test's (migration disabled). */
static struct task_struct *lru_holder_create(struct lru_holder *h)
{
	unsigned int cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());

	init_completion(&h->done);
	h->returned = false;
	h->task = kthread_create(lru_holder_fn, h, "lru_holder");
	if (!IS_ERR(h->task))
		kthread_bind(h->task, cpu);
	return h->task;
}

static bool lru_holder_returned(void *arg)
{
	return READ_ONCE(((struct lru_holder *)arg)->returned);
}

static bool lru_disabled_cond(void *arg)
{
	return lru_cache_disabled();
}

/* Spin, preemption disabled, until cond(arg) or for @ms at most. */
static bool lru_spin_until(bool (*cond)(void *), void *arg, unsigned int ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), ms);

	while (!cond(arg)) {
		if (ktime_after(ktime_get(), end))
			return false;
		cpu_relax();
	}
	return true;
}

/* Wait for a holder to return once the test left its region; end its hold. */
static void lru_holder_end(struct kunit *test, struct lru_holder *h)
{
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&h->done, 30 * HZ), 0UL);
	lru_cache_enable();
}

static void lru_holders_start(struct kunit *test, struct lru_holder *h,
			      unsigned int n)
{
	unsigned int i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU for the other holders");
	if (lru_cache_disabled())
		kunit_skip(test, "the LRU caches are disabled by another holder");
	migrate_disable();
	for (i = 0; i < n; i++) {
		if (IS_ERR(lru_holder_create(&h[i]))) {
			while (i--)
				kthread_stop(h[i].task);
			migrate_enable();
			KUNIT_FAIL_AND_ABORT(test, "cannot create a holder thread");
		}
	}
}

/*
 * A holder still waiting for its drain is no holder to trust: a second
 * one, arriving meanwhile, drains too.  (It would skip if it trusted a
 * raised lru_disable_count, or a holder counted as settled before its
 * drain.)
 */
static void lru_disable_waits_for_unsettled_holder(struct kunit *test)
{
	struct lru_holder h[2];
	bool raised, skipped;

	lru_holders_start(test, h, 2);
	preempt_disable();
	wake_up_process(h[0].task);
	raised = lru_spin_until(lru_disabled_cond, NULL, 1000);
	/* Let the first holder get well into its wait. */
	mdelay(10);
	wake_up_process(h[1].task);
	skipped = lru_spin_until(lru_holder_returned, &h[1], 200);
	preempt_enable();
	migrate_enable();

	KUNIT_EXPECT_TRUE_MSG(test, raised, "the first holder never raised the count");
	KUNIT_EXPECT_FALSE_MSG(test, skipped,
			       "a holder skipped the drain while the only other one had not drained");
	lru_holder_end(test, &h[0]);
	lru_holder_end(test, &h[1]);
}

/* Nested in a hold that has drained, a holder returns without waiting. */
static void lru_disable_nested_does_not_wait(struct kunit *test)
{
	struct lru_holder h;
	bool returned;

	lru_holders_start(test, &h, 1);
	lru_cache_disable();
	preempt_disable();
	wake_up_process(h.task);
	returned = lru_spin_until(lru_holder_returned, &h, 1000);
	preempt_enable();
	migrate_enable();

	KUNIT_EXPECT_TRUE_MSG(test, returned,
			      "a nested lru_cache_disable() waited for a grace period");
	lru_holder_end(test, &h);
	lru_cache_enable();
}

static struct kunit_case lend_lru_cases[] = {
	KUNIT_CASE(lru_disable_drains_after_ended_hold),
	KUNIT_CASE(lru_disable_nested),
	KUNIT_CASE(lru_disable_waits_for_unsettled_holder),
	KUNIT_CASE(lru_disable_nested_does_not_wait),
	KUNIT_CASE(lru_disable_drains_after_nested_holds),
	{}
};

static struct kunit_suite lend_lru_suite = {
	.name = "swiotlb_lend_lru",
	.test_cases = lend_lru_cases,
};

kunit_test_suites(&lend_suite, &lend_pool_suite, &lend_lru_suite);

MODULE_DESCRIPTION("KUnit tests for swiotlb lending");
MODULE_LICENSE("GPL");
