"""Loads claimgraph's exports into DuckDB or Spark and answers the standard
workload's q2 and q3 in SQL, printing JSON for the Rust test to compare.

    tables.py duckdb-parquet DIR     nodes.parquet, relationships.parquet
    tables.py spark-parquet DIR      the same files, in Spark SQL (local mode)
    tables.py duckdb-neo4j DIR [D]   nodes.csv, relationships.csv read by their
                                     neo4j-admin headers (array delimiter D, ';')
    tables.py all PARQUET NEO4J TYPED D [--spark]
                                     every check above in one process (one
                                     JVM for Spark), as {mode: answers}, and
                                     the typed columns of the neo4j-admin CSV
                                     in TYPED (array delimiter D)

Exits with status 3 when the engine's Python module is missing.
"""

import json
import os
import sys

# q2: how many statements are contested; q3: the top claimants.
Q2 = """
SELECT count(DISTINCT c.dst) AS contested
FROM relationships c
JOIN relationships d ON d.dst = c.dst
JOIN nodes s ON s.id = c.dst
WHERE c.type = 'CLAIMS' AND d.type = 'DENIES' AND array_contains(s.labels, 'Statement')
"""
Q3 = """
SELECT a.name AS actor, count(*) AS claims
FROM relationships c
JOIN nodes a ON a.id = c.src
JOIN nodes s ON s.id = c.dst
WHERE c.type = 'CLAIMS' AND array_contains(a.labels, 'Actor')
  AND array_contains(s.labels, 'Statement')
GROUP BY a.name
ORDER BY claims DESC, actor
LIMIT 10
"""
COUNTS = {
    "labels": "SELECT l AS label, count(*) AS n FROM (SELECT explode(labels) AS l FROM nodes) GROUP BY l",
    "types": "SELECT type, count(*) AS n FROM relationships GROUP BY type",
}


def need(module):
    try:
        return __import__(module)
    except ImportError as e:
        print(f"{module} is not installed: {e}", file=sys.stderr)
        sys.exit(3)


def answer(run, explode):
    labels_sql = COUNTS["labels"].replace("explode(labels)", explode)
    return {
        "nodes": run("SELECT count(*) FROM nodes")[0][0],
        "relationships": run("SELECT count(*) FROM relationships")[0][0],
        "labels": {l: n for l, n in run(labels_sql)},
        "types": {t: n for t, n in run(COUNTS["types"])},
        "q2": [list(r) for r in run(Q2)],
        "q3": [list(r) for r in run(Q3)],
    }


def duckdb_parquet(d):
    duckdb = need("duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW nodes AS SELECT * FROM read_parquet('{d}/nodes.parquet')")
    con.execute(f"CREATE VIEW relationships AS SELECT * FROM read_parquet('{d}/relationships.parquet')")
    return answer(lambda q: con.execute(q).fetchall(), "unnest(labels)")


NEO4J_TYPES = {"int": "BIGINT", "long": "BIGINT", "float": "DOUBLE", "double": "DOUBLE",
               "boolean": "BOOLEAN", "string": "VARCHAR", "date": "DATE"}


def neo4j_columns(path, delimiter):
    """Column names and SQL expressions from a neo4j-admin header."""
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    raw, select = {}, []
    for i, field in enumerate(header):
        name, _, typ = field.partition(":")
        col = f"c{i}"
        raw[col] = "VARCHAR"
        if name == "" and typ in ("ID", "START_ID", "END_ID"):
            alias = {"ID": "id", "START_ID": "src", "END_ID": "dst"}[typ]
            select.append(f"CAST({col} AS BIGINT) AS {alias}")
        elif name == "" and typ == "LABEL":
            select.append(f"string_split({col}, '{delimiter}') AS labels")
        elif name == "" and typ == "TYPE":
            select.append(f"{col} AS type")
        elif typ.endswith("[]"):
            elem = NEO4J_TYPES[typ[:-2] or "string"]
            select.append(
                f"CASE WHEN {col} IS NULL THEN NULL ELSE "
                f"CAST(string_split({col}, '{delimiter}') AS {elem}[]) END AS \"{name}\"")
        else:
            select.append(f"CAST({col} AS {NEO4J_TYPES[typ or 'string']}) AS \"{name}\"")
    return raw, ", ".join(select)


def neo4j_views(d, delimiter):
    duckdb = need("duckdb")
    con = duckdb.connect()
    for table, file in (("nodes", "nodes.csv"), ("relationships", "relationships.csv")):
        path = os.path.join(d, file)
        raw, select = neo4j_columns(path, delimiter)
        columns = "{" + ", ".join(f"'{c}': '{t}'" for c, t in raw.items()) + "}"
        con.execute(
            f"CREATE VIEW {table} AS SELECT {select} FROM read_csv('{path}', header = true, "
            f"columns = {columns}, quote = '\"', escape = '\"', delim = ',')")
    return con


def duckdb_neo4j(d, delimiter):
    con = neo4j_views(d, delimiter)
    return answer(lambda q: con.execute(q).fetchall(), "unnest(labels)")


def duckdb_neo4j_typed(d, delimiter):
    """The nodes of a small export with a column of each header type: the
    types DuckDB gave the columns, and the values."""
    con = neo4j_views(d, delimiter)
    types = {name: typ for name, typ, *_ in con.execute("DESCRIBE nodes").fetchall()}
    rows = con.execute(
        "SELECT name, age, height, vetted, aliases, scores, CAST(born AS VARCHAR), labels "
        "FROM nodes ORDER BY name").fetchall()
    return {"types": types, "rows": [list(r) for r in rows]}


def spark_parquet(d):
    need("pyspark")
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("claimgraph-parquet")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.driver.memory", "1g")
             # A short job: the JVM's quick compiler and a small collector
             # start faster than the defaults.
             .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(f"{d}/nodes.parquet").createOrReplaceTempView("nodes")
    spark.read.parquet(f"{d}/relationships.parquet").createOrReplaceTempView("relationships")
    try:
        return answer(lambda q: [tuple(r) for r in spark.sql(q).collect()], "explode(labels)")
    finally:
        spark.stop()


def main():
    mode, d = sys.argv[1], sys.argv[2]
    if mode == "all":
        out = {"duckdb-parquet": duckdb_parquet(d), "duckdb-neo4j": duckdb_neo4j(sys.argv[3], ";"),
               "duckdb-neo4j-typed": duckdb_neo4j_typed(sys.argv[4], sys.argv[5])}
        if "--spark" in sys.argv[6:]:
            out["spark-parquet"] = spark_parquet(d)
    elif mode == "duckdb-parquet":
        out = duckdb_parquet(d)
    elif mode == "spark-parquet":
        out = spark_parquet(d)
    elif mode == "duckdb-neo4j":
        out = duckdb_neo4j(d, sys.argv[3] if len(sys.argv) > 3 else ";")
    else:
        sys.exit(f"unknown mode {mode}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
