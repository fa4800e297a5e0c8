"""The SLA engine on the Indonesian working calendar (a pure library: ``now`` is always an argument).

Not built yet: see the SLA engine issue. The intake worker starts clocks once it exists.
"""
