"""Imported by a worker-pool test as a module to preload."""

STARTED = True
