# prp-trp (OWL 2 RL): transitive properties are closed (one step per round; kg.rules repeats to the fixpoint).
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?a ?p ?c . GRAPH <urn:kg:inferred> { ?a ?p ?c } }
WHERE { ?p a owl:TransitiveProperty . ?a ?p ?b . ?b ?p ?c . FILTER (?a != ?c) FILTER NOT EXISTS { ?a ?p ?c } }
