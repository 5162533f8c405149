"""Rendering: pages, charts and Italian formatting of the scored plan."""
