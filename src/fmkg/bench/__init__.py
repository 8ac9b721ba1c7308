"""Benchmark tools: synthetic graphs shaped like the Hugging Face model tree (the benchmark itself is
``bench/run.py`` in the repository)."""
