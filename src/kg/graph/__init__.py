"""Files → graph: read the source texts, the ontology and the data into named graphs, reason, and cache the result.

Nothing here knows about stores or HTTP; every later layer starts from the cached N-Quads file this layer builds.
"""
