# prp-spo1 (OWL 2 RL): a statement with a property holds for every superproperty.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?s ?super ?o . GRAPH <urn:kg:inferred> { ?s ?super ?o } }
WHERE { ?p rdfs:subPropertyOf+ ?super . FILTER (isIRI(?super) && ?super != ?p) ?s ?p ?o . FILTER NOT EXISTS { ?s ?super ?o } }
