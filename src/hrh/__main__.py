"""Run the CLI with ``python -m hrh``."""

from hrh.cli import main

main()
