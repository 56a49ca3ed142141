"""``python -m edgesmith``: the command line, for environments without the script on PATH."""

from edgesmith.cli import main

if __name__ == "__main__":
    main(prog_name="edgesmith")  # messages name the command as users type it
