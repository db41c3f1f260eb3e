"""Dispute-ready packets: Bates stamps, exhibits, exhibit list, bookmarks, manifest and verify."""
