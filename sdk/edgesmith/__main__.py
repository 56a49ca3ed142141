"""``python -m edgesmith``: the command line, for environments without the script on PATH."""

from edgesmith.cli import app

if __name__ == "__main__":
    app(prog_name="edgesmith")  # messages name the command as users type it
