"""``python -m sim``: the same as the ``iss-sim`` command."""

from sim.cli import main_entry

if __name__ == "__main__":
    main_entry()
