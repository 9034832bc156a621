# lend-stress for ten minutes.
STRESS_SECONDS=600
. /scenarios/lend-stress.sh
