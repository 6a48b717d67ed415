"""Tests of the live reader (adaptive_plan.live)."""
