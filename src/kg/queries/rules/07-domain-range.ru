# prp-dom / prp-rng (OWL 2 RL): the subject of a property with a domain (the object of one with a range) is typed.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x a ?class . GRAPH <urn:kg:inferred> { ?x a ?class } }
WHERE {
  { ?p rdfs:domain ?class . ?x ?p ?o }
  UNION
  { ?p rdfs:range ?class . ?s ?p ?x . FILTER (!isLiteral(?x)) }
  FILTER (isIRI(?class)) FILTER NOT EXISTS { ?x a ?class }
}
