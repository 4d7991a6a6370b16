"""Benchmarks run by hand (`python -m bench.NAME`, or `python -m bench` for all of them).

Each prints a readable table and ends with one line of JSON holding its figures and whether
each target of DESIGN.md was met. They run against PostgreSQL in a database of their own.
"""
