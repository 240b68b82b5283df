"""The SPARQL side of the service, applied once above any store: the guard, the limits and the service description."""
