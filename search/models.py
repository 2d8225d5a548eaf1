"""The search index is not made of Django models: see search/documents.py.

This module exists so that Django sends this app the pre_migrate and post_migrate
signals (it skips apps without a models module), which keep the SQLite triggers.
"""
