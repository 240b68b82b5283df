"""Store → view-models: plain data for the templates (labels, entities, listings, articles, charts, search)."""
