from generator.mkdocs_hooks import *  # noqa: F403 - MkDocs hook (see generator/mkdocs_hooks.py)
