"""Tests of :mod:`core_engine.cli`: ``python -m core_engine`` check, run, wfcommons, replay."""
