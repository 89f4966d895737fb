"""Plotly figure builders: plain functions, no Dash."""
