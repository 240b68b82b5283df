# cax-sco (OWL 2 RL): an instance of a class is an instance of every superclass.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x a ?super . GRAPH <urn:kg:inferred> { ?x a ?super } }
WHERE { ?x a ?class . ?class rdfs:subClassOf+ ?super . FILTER (isIRI(?super) && ?super != ?class) FILTER NOT EXISTS { ?x a ?super } }
