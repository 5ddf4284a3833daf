"""The machine-learning example's tasks (:mod:`.search`); the DAG is in :mod:`open_examples.ml_search`."""
