"""Volunteer Console core: spot rules, durable storage and messaging, free of Qt."""
