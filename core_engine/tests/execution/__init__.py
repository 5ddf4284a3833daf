"""Tests of :mod:`core_engine.execution`, events and replay."""
