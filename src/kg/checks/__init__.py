"""``kg validate``: the checks that make the graph trustworthy (SHACL, verbatim quotes, values, Data Cube ICs)."""
