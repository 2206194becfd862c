// Refused queries: each error names the spot and what is wrong.
MATCH (n:Actor RETURN n;
MATCH (n:Actor) RETURN m;
MATCH (n) RETURN count(count(n));
RETURN nosuchfunction(1);
RETURN 1 / 0;
RETURN 9223372036854775807 + 1;
RETURN 'text' + [1] - 2;
MATCH (n) WHERE count(n) > 1 RETURN n;
UNWIND [1, 2] AS x RETURN x ORDER BY y;
RETURN 99999999999999999999;
RETURN toInteger('x') + 'a' * 2;
MATCH (a)-[r*]->(b) RETURN r.name;
RETURN [1, 2, 3][0..1] AS ok, $missing AS param;
