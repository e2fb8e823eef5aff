"""ofasearch's input fuzzer: seeded corpora of mutated inputs, a case runner and the oracle that
judges each run. Standard library only; see docs/fuzz.md."""
