import sys

from bench.harness import run_all

sys.exit(run_all())
