"""Benchmark scripts: run as modules, print figures and ratios; never part of the test run."""
