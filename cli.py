"""Entry point shim: `python cli.py ...` is the same as the `redflag` console script."""
from scanner.cli import main

if __name__ == "__main__":
    main()
