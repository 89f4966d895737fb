"""Dash layout builders: functions that return components."""
