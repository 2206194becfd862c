// Questions a reader of the Bakhmut articles would ask, over a store holding
// examples/bakhmut.triples and then examples/bakhmut-followup.triples:
//
//   claimgraph import examples/bakhmut.triples examples/bakhmut-followup.triples
//   claimgraph run examples/queries.cypher
//
// The answers are checked by tests/golden.rs (snapshot tests/snapshots/golden__queries.snap).

// Who claims that Bakhmut is Russian, and when?
MATCH (a)-[c:CLAIMS]->(s:Statement {text: 'Bakhmut is Russian in a legal sense'})
RETURN a.name AS who, c.date AS said_on, c.quote AS quote;

// Who denies it, and in which words?
MATCH (a)-[d:DENIES]->(:Statement {text: 'Bakhmut is Russian in a legal sense'})
RETURN a.name AS who, d.quote AS quote
ORDER BY who;

// Which statements are contested: claimed by someone and denied by someone else?
MATCH (c)-[:CLAIMS]->(s:Statement)<-[:DENIES]-(d)
WITH s, c, d ORDER BY c.name, d.name
RETURN s.text AS statement, collect(DISTINCT c.name) AS claimed_by, collect(DISTINCT d.name) AS denied_by
ORDER BY statement;

// What is said about Bakhmut, by whom, and how?
MATCH (s:Statement)-[:ABOUT]->(:Place {name: 'Bakhmut'})
OPTIONAL MATCH (who)-[stance:CLAIMS|DENIES|ASSESSES]->(s)
RETURN s.text AS statement, type(stance) AS stance, who.name AS speaker
ORDER BY statement, stance, speaker;

// Which articles back the relationship "Yevgeny Prigozhin leads Wagner"?
MATCH (:Actor {name: 'Yevgeny Prigozhin'})-[l:LEADS]->(:Organisation {name: 'Wagner'})
MATCH (a:Article {id: l.article})
RETURN a.id AS article, a.date AS date, a.source AS source
ORDER BY date;

// The same statement reported by two articles: one node, two ASSESSES edges.
MATCH (o)-[r:ASSESSES]->(s:Statement {text: 'Ukraine still controls a large portion of Bakhmut'})
RETURN o.name AS assessor, r.verdict AS verdict, r.article AS article
ORDER BY article;

// How are Hanna Maliar and Yevgeny Prigozhin connected?
MATCH p = allShortestPaths((:Actor {name: 'Hanna Maliar'})-[*..6]-(:Actor {name: 'Yevgeny Prigozhin'}))
RETURN [n IN nodes(p) | coalesce(n.name, n.text)] AS path, length(p) AS hops
ORDER BY path;

// Who takes a stance most often, and on how many statements?
MATCH (a)-[r:CLAIMS|DENIES|ASSESSES]->(s:Statement)
RETURN a.name AS who, count(r) AS stances, count(DISTINCT s) AS statements,
       collect(DISTINCT toLower(type(r))) AS kinds
ORDER BY stances DESC, who
LIMIT 5;

// Everything the follow-up article adds, by relationship type.
MATCH ()-[r {article: 'bakhmut-withdrawal-2023-05-05'}]->()
RETURN type(r) AS type, count(*) AS relationships
ORDER BY relationships DESC, type;

// Names a user may type: aliases resolve to the same actor.
MATCH (a:Actor)
WHERE 'Mr. Prigozhin' IN a.aliases OR 'Wagner chief' IN a.aliases
RETURN a.name AS name, a.aliases AS aliases;
