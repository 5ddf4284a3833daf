"""The scientific-workflow example's tasks (:mod:`.replay`); the DAG is in :mod:`open_examples.wfcommons`."""
