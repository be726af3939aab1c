"""Benchmarks behind ``passos bench``: dev tooling, run from a clone of the repository.

Left out of the wheel and the Docker image on purpose; ``cli.bench_cmds`` imports these modules
only when a benchmark is asked for and says so in one line when they are absent.
"""
