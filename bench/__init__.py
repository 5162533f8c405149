"""Speed-and-scale benchmarks: a synthetic project generator and a runner.

``python -m bench.run`` (or ``make bench``) builds synthetic projects 1x, 30x
and 300x the size of the seed plan and checks the performance targets; see
``bench/README.md``.
"""
