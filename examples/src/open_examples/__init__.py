"""OPEN examples on real input."""
