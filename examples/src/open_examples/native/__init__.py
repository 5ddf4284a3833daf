"""The native-worker example: a C program (``primes.c``) built here (:mod:`.build`) and run by the
``command`` task type, with a Python baseline (:mod:`.primes`). The DAG is in
:mod:`open_examples.native_primes`."""
