"""Evals of the model's judgement: cases run through the real turn pipeline, scored, reported.

See ARCHITECTURE.md §5b and README "Evaluate your model before you connect it".
"""
