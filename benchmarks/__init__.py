"""Benchmarks: `python -m benchmarks` runs every *_bench.py with a main(); see README.md."""
