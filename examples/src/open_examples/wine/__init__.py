"""The wine data pipeline's tasks: reading and validating (:mod:`.dataset`), the four parallel
analyses (:mod:`.analysis`) and the report (:mod:`.report`). The DAG is in
:mod:`open_examples.wine_pipeline`."""
