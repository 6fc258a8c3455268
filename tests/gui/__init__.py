"""Tests of the Qt window, models and bridge (offscreen)."""
