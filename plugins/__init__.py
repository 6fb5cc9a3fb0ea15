"""Host adapters, one package per host. Only ``plugins/<host>/`` imports that host's modules."""
