"""Tests of the project's resource files (the AsyncAPI contract)."""
