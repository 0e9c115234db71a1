"""Factorial (FactorialHR): the connector and its emulator (`emulator/`)."""
