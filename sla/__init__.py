"""The SLA engine on the Indonesian working calendar. A pure library: time is always an argument,
and nothing here touches a database.

- ``sla.calendar``: office hours, national holidays and joint leave (the ``holidays`` package),
  regional days off; working time added and measured to the second.
- ``sla.duration``: N working days, N working hours, N calendar hours.
- ``sla.clock``: clocks derived from a complaint's status history (pauses, stops, restarts).
- ``sla.policy``: which clocks apply, the most specific policy winning; SP4N-LAPOR! defaults.
"""
