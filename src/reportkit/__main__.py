"""`python -m reportkit` runs the command-line interface."""

from reportkit.cli import main

if __name__ == "__main__":
    main()
