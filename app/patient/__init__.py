"""Anonymous self-screening (blueprint ``patient``): the views, a step's questions as kept markup, the kept page
fragments, the pain map.

May import the core, the shared services (``app.services``, ``app.clinic``), ``app.models`` and ``app.web``; no other
audience package.
"""
