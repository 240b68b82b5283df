"""Shared fixtures. Servers started here listen on 127.0.0.1 and are stopped by PID."""
