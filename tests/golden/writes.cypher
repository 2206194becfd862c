// Curating the graph by query: each write commits whole or not at all, and the
// domain rules hold as they do for imports.

// MERGE finds the imported entity instead of creating a second one.
MERGE (a:Actor {name: 'Yevgeny Prigozhin'}) ON MATCH SET a.checked = true RETURN a.name, a.checked;
MERGE (a:Actor {name: 'Dmitry Peskov'}) ON CREATE SET a.role = 'Kremlin spokesman' RETURN a.name, a.role;

// A new statement and who said it.
MATCH (p:Actor {name: 'Dmitry Peskov'})
CREATE (p)-[:CLAIMS {article: 'hand-entered'}]->(s:Statement {text: 'Bakhmut has been liberated'})
RETURN s.text;

// Keys are unique: a second Actor with the same name is refused.
CREATE (:Actor {name: 'Hanna Maliar'});
// Stance rules: a place cannot claim anything.
MATCH (p:Place {name: 'Bakhmut'}), (s:Statement {text: 'Bakhmut has been liberated'}) CREATE (p)-[:CLAIMS]->(s);
// A failing write leaves the store unchanged: the first CREATE is rolled back too.
CREATE (:Place {name: 'Soledar'}) WITH 1 AS x RETURN 1 / 0;
MATCH (p:Place {name: 'Soledar'}) RETURN count(p) AS soledar;

// SET, REMOVE and labels.
MATCH (a:Actor {name: 'Dmitry Peskov'}) SET a += {country: 'Russia'}, a:Spokesperson RETURN labels(a), a.country;
MATCH (a:Actor {name: 'Dmitry Peskov'}) REMOVE a.country, a:Spokesperson RETURN labels(a), a.country;
// Renaming onto a taken name is refused.
MATCH (a:Actor {name: 'Dmitry Peskov'}) SET a.name = 'Hanna Maliar';

// DELETE refuses a node that still has relationships; DETACH DELETE removes them too.
MATCH (a:Actor {name: 'Dmitry Peskov'}) DELETE a;
MATCH (a:Actor {name: 'Dmitry Peskov'}) DETACH DELETE a;
MATCH (a:Actor {name: 'Dmitry Peskov'}) RETURN count(a) AS peskov;
MATCH (s:Statement {text: 'Bakhmut has been liberated'}) DELETE s RETURN count(*) AS deleted;
