"""Prometheus metrics (`GET /metrics`): see docs/operations.md for each one.

- `http`: request counts and latencies, counted in each web process by the request
  middleware (gunicorn's workers share them through `PROMETHEUS_MULTIPROC_DIR`).
- `collector`: the state of the service, read from the database at each scrape, only
  through indexed reads of small sets (the task queue, pending deliveries, open reviews...).
- `snapshot`: the figures that would need a scan of a large table (applications by state,
  deliveries by outcome, decisions past their deadline...), computed by the periodic job
  `core.metrics_refresh` of `masar tick` and kept as that job's result; a scrape reads them.
"""
