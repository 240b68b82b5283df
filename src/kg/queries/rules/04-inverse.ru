# prp-inv1/2 (OWL 2 RL): inverse properties hold in the other direction.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?o ?q ?s . GRAPH <urn:kg:inferred> { ?o ?q ?s } }
WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?s ?p ?o . FILTER (!isLiteral(?o)) FILTER NOT EXISTS { ?o ?q ?s } }
