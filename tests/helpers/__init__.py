"""Helpers shared by the test modules: drivers, factories, broker clients and workers."""
