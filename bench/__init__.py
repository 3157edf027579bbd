"""heed's benchmarks: realistic data built through heed's own code, measured side by side.

Run ``uv run python -m bench.run --help``; results land in bench/RESULTS.md.
"""
