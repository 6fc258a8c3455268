"""The Qt window: widgets, table models and the bridge from core events to Qt signals."""
