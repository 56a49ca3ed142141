"""Helpers shared by test suites (runners, tolerances, model builders)."""
