"""Test support shared by the features' tests."""
