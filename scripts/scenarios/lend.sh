# swiotlb lending kselftests on a default-lending boot.
SWIOTLB_LEND_TEST_DEV=/dev/vda run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test
