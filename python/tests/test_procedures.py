"""The claims procedures run through `query`, and agree with plain Cypher."""


def test_db_labels_lists_every_label(bakhmut):
    labels = [r[0] for r in bakhmut.query("CALL db.labels() YIELD label RETURN label").rows()]
    plain = bakhmut.query("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l").rows()
    assert sorted(labels) == sorted(r[0] for r in plain)
    assert "Article" in labels


def test_claims_contested_agrees_with_plain_cypher(bakhmut):
    got = bakhmut.query(
        "CALL claims.contested() YIELD statement, claimants, deniers "
        "RETURN statement.text AS s, claimants, deniers"
    ).rows()
    plain = bakhmut.query(
        "MATCH (s:Statement) "
        "OPTIONAL MATCH (c)-[:CLAIMS]->(s) WITH s, count(DISTINCT c) AS claimants "
        "OPTIONAL MATCH (d)-[:DENIES]->(s) WITH s, claimants, count(DISTINCT d) AS deniers "
        "WHERE claimants > 0 AND deniers > 0 "
        "RETURN s.text AS s, claimants, deniers"
    ).rows()
    assert got and sorted(got) == sorted(plain)
    # By claimants + deniers, most first.
    totals = [c + d for _, c, d in got]
    assert totals == sorted(totals, reverse=True)


def test_article_dates_are_dates(bakhmut):
    import datetime as dt

    dates = [r[0] for r in bakhmut.query("MATCH (a:Article) RETURN a.date").rows()]
    assert dates and all(type(d) is dt.date for d in dates)
