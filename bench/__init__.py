"""Erfa's benchmarks: each bench_*.py prints a table and writes bench/results/<name>.json."""
