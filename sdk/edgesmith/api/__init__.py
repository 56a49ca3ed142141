"""The user's side: the Python model object and the steps the CLI shares with it."""
