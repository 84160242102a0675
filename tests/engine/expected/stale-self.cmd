stale_code
self
