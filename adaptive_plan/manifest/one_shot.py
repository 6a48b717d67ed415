"""Whether this process runs one command and exits (set by the console script, ``cli.main.main``).

Then what a manifest load built is moved out of the cyclic collector's sight (``gc.freeze``)
when the load ends: the first collection after the load's pause walked every object it made
(75 ms of a 0.95 s validate at 10,000 resources). A long-lived caller (tests, embedding) leaves
it off, since freezing would also keep its own cyclic garbage alive. No imports: the
emulator command starts through the same entry point and must start fast.
"""

FREEZE_LOADED = False
