# cax-eqc1/2 (OWL 2 RL): equivalent classes share their instances.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x a ?other . GRAPH <urn:kg:inferred> { ?x a ?other } }
WHERE { { ?class owl:equivalentClass ?other } UNION { ?other owl:equivalentClass ?class }
        ?x a ?class . FILTER (isIRI(?other)) FILTER NOT EXISTS { ?x a ?other } }
