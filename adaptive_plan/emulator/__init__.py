"""The local Adaptive API emulator (imports nothing from the rest of the package).

Public entry points live in ``server``: ``run_emulator`` (context manager), ``start_emulator``,
``Emulator`` and ``Faults``; ``app.create_app`` is the framework-neutral request handler.
"""
