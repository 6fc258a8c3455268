"""Tests mirror the source tree: tests/core for core/, tests/gui for gui/."""
