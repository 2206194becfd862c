// Plans as EXPLAIN prints them: where matching starts and in what order.
EXPLAIN MATCH (a:Actor {name: 'Yevgeny Prigozhin'})-[:CLAIMS]->(s:Statement) RETURN s.text;
EXPLAIN MATCH (a)-[:CLAIMS]->(s:Statement)<-[:DENIES]-(b) RETURN count(DISTINCT s) AS contested;
EXPLAIN MATCH (s:Statement)-[:ABOUT]->(:Place {name: 'Bakhmut'}) OPTIONAL MATCH (d)-[:DENIES]->(s) RETURN s.text, count(d) AS denials ORDER BY denials DESC LIMIT 3;
EXPLAIN MATCH (a:Actor {name: 'Hanna Maliar'})-[*1..3]-(p:Place) RETURN count(DISTINCT p);
EXPLAIN MERGE (a:Actor {name: 'Sergei Shoigu'}) ON MATCH SET a.seen = true RETURN a.name;
