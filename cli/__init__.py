"""The ``passos`` command line: the composition root that wires every package."""
