"""Competence reports: the gradebook turned into answers for instructors, units and group leaders.

scores.py     the gradebook as a tidy table (one row per learner x graded cell)
synthetic.py  a reproducible synthetic course and gradebook for tests, benchmarks and demos
"""
