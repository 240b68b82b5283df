# prp-symp (OWL 2 RL): symmetric properties hold both ways.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?o ?p ?s . GRAPH <urn:kg:inferred> { ?o ?p ?s } }
WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o . FILTER (!isLiteral(?o)) FILTER NOT EXISTS { ?o ?p ?s } }
