# prp-spo2 (OWL 2 RL) for two-step chains: p1 ∘ p2 ⊑ p (e.g. org:unitOf ∘ dkg:locatedIn ⊑ dkg:locatedIn).
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { ?x ?p ?z . GRAPH <urn:kg:inferred> { ?x ?p ?z } }
WHERE {
  ?p owl:propertyChainAxiom ?chain .
  ?chain rdf:first ?p1 ; rdf:rest ?rest .
  ?rest rdf:first ?p2 ; rdf:rest rdf:nil .
  ?x ?p1 ?y . ?y ?p2 ?z .
  FILTER NOT EXISTS { ?x ?p ?z }
}
