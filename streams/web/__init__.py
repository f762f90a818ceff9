"""The worker's HTTP side, on Faust's web server (127.0.0.1, ``NEWSSTREAMS_WEB_PORT``).

Pure parts (no Faust import), unit-tested on their own:

* :mod:`streams.web.ingest`: ``POST /articles`` bodies → validated raw messages;
* :mod:`streams.web.entities`: the ``entities.registry`` index behind ``/entities``;
* :mod:`streams.web.live`: rates, latest articles and trending sums for ``GET /``;
* :mod:`streams.web.health`: the ``/health`` verdict.

Faust parts: :mod:`streams.web.state` (the trending windowed table, the
registry follower, the broker probe) and :mod:`streams.web.views` (the
endpoints), imported by the worker when the web server is enabled.
"""
