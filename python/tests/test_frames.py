"""Results as pandas, Arrow, Polars and networkx, checked against the rows."""

import sys

import pytest

import claimgraph


def test_to_pandas_matches_the_rows(bakhmut):
    r = bakhmut.query("MATCH (a:Actor)-[c:CLAIMS]->(s) RETURN a.name AS who, s.text AS what, c.date AS said ORDER BY who, what")
    df = r.to_pandas()
    assert list(df.columns) == r.columns
    assert [tuple(x) for x in df.astype(object).where(df.notna(), None).itertuples(index=False)] == r.rows()


def test_to_pandas_keeps_numbers_numeric(db):
    df = db.query("UNWIND range(1, 5) AS i RETURN i, i * 0.5 AS f, i % 2 = 0 AS even").to_pandas()
    assert str(df["i"].dtype) == "int64" and str(df["f"].dtype) == "float64" and str(df["even"].dtype) == "bool"
    assert df["i"].sum() == 15


def test_to_arrow_types_and_nulls(db):
    pa = pytest.importorskip("pyarrow")
    r = db.query(
        "UNWIND [1, 2, null] AS x "
        "RETURN x AS i, toFloat(x) AS f, x > 1 AS b, toString(x) AS s, null AS n, "
        "CASE WHEN x = 1 THEN 1 ELSE 2.5 END AS mixed, [x] AS l"
    )
    t = r.to_arrow()
    assert t.column_names == r.columns
    assert t.schema.field("i").type == pa.int64()
    assert t.schema.field("f").type == pa.float64()
    assert t.schema.field("b").type == pa.bool_()
    assert t.schema.field("s").type == pa.string()
    assert t.schema.field("n").type == pa.null()
    assert t.schema.field("mixed").type == pa.float64()
    assert t.column("mixed").to_pylist() == [1.0, 2.5, 2.5]
    for i, name in enumerate(r.columns):
        assert t.column(name).to_pylist() == [row[i] for row in r.rows()], name


def test_to_arrow_turns_nodes_into_structs(bakhmut):
    pytest.importorskip("pyarrow")
    t = bakhmut.query("MATCH (a:Actor) RETURN a ORDER BY a.name").to_arrow()
    names = [row["name"] for row in t.column("a").to_pylist()]
    assert names == sorted(names) and len(names) > 2
    assert all("Actor" in row["_labels"] for row in t.column("a").to_pylist())


def test_to_arrow_names_a_column_of_mixed_types(db):
    pytest.importorskip("pyarrow")
    with pytest.raises(claimgraph.Error, match="'v'"):
        db.query("UNWIND [1, 'one'] AS v RETURN v").to_arrow()


def test_to_polars(db):
    pl = pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    df = db.query("UNWIND range(1, 4) AS i RETURN i, 'n' + toString(i) AS name").to_polars()
    assert isinstance(df, pl.DataFrame)
    assert df["i"].to_list() == [1, 2, 3, 4] and df["name"].to_list()[-1] == "n4"


def test_a_missing_library_is_named(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ModuleNotFoundError, match="pip install polars"):
        db.query("RETURN 1 AS one").to_polars()


def test_to_networkx_is_the_subgraph_of_the_rows(bakhmut):
    nx = pytest.importorskip("networkx")
    r = bakhmut.query("MATCH p = (a:Actor)-[:CLAIMS|DENIES]->(s:Statement) RETURN p, a.name AS name")
    g = r.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    paths = [row[0] for row in r]
    node_ids = {n.id for p in paths for n in p.nodes}
    rels = {rel.id: rel for p in paths for rel in p.relationships}
    assert set(g.nodes) == node_ids
    assert {k for _, _, k in g.edges(keys=True)} == set(rels)
    for u, v, k, data in g.edges(keys=True, data=True):
        assert (u, v) == (rels[k].start, rels[k].end)
        assert data["type"] == rels[k].type and data["article"] == rels[k]["article"]
    some = paths[0].start
    assert g.nodes[some.id]["labels"] == some.labels and g.nodes[some.id]["name"] == some["name"]


def test_to_networkx_adds_the_endpoints_of_relationships(bakhmut):
    pytest.importorskip("networkx")
    r = bakhmut.query("MATCH ()-[r:LEADS]->() RETURN r")
    g = r.to_networkx()
    assert g.number_of_edges() == len(r) > 0
    for rel, in r:
        assert "labels" in g.nodes[rel.start] and "labels" in g.nodes[rel.end]


def test_a_property_named_like_an_argument_does_not_clash(db):
    pytest.importorskip("networkx")
    db.query("CREATE (:A {name: 'a', key: 1})-[:R {key: 2, type: 'prop'}]->(:B {name: 'b'})")
    g = db.query("MATCH p = ()-[]->() RETURN p").to_networkx()
    ((_, _, data),) = g.edges(data=True)
    assert data["key"] == 2 and data["type"] == "R"


def test_a_date_column_in_pandas(bakhmut):
    import datetime as dt

    df = bakhmut.query("MATCH (a:Article) RETURN a.date AS date ORDER BY date").to_pandas()
    assert len(df) >= 2
    assert all(type(d) is dt.date for d in df["date"])
    assert list(df["date"]) == sorted(df["date"])


def test_a_date_column_in_arrow_is_date32(bakhmut):
    import datetime as dt

    pa = pytest.importorskip("pyarrow")
    table = bakhmut.query(
        "UNWIND [date('2023-04-03'), null, date('1969-12-31')] AS d RETURN d"
    ).to_arrow()
    assert table.schema.field("d").type == pa.date32()
    assert table.column("d").to_pylist() == [dt.date(2023, 4, 3), None, dt.date(1969, 12, 31)]


def test_temporal_columns_in_arrow_are_typed_and_equal_the_rows(db):
    pa = pytest.importorskip("pyarrow")
    cases = {
        "zoned": ("[datetime('2024-03-31T01:30[Europe/Berlin]'), null, "
                  "datetime('2024-03-31T03:30[Europe/Berlin]')]", pa.timestamp("ns", "Europe/Berlin")),
        "offset": ("[datetime('2024-01-02T03:04:05.123456+05:30'), datetime('1960-06-01T00:00+05:30')]",
                   pa.timestamp("ns", "+05:30")),
        "mixed": ("[datetime('2024-01-02T03:04+01:00'), datetime('2024-01-02T03:04[America/New_York]')]",
                  pa.timestamp("ns", "UTC")),
        "local": ("[localdatetime('2024-01-02T03:04:05.000001'), null]", pa.timestamp("ns")),
        "clock": ("[localtime('23:59:59.5'), localtime('00:00')]", pa.time64("ns")),
    }
    for name, (values, arrow_type) in cases.items():
        r = db.query(f"UNWIND {values} AS v RETURN v")
        table = r.to_arrow()
        assert table.schema.field("v").type == arrow_type, name
        assert r._arrow_column(pa, 0) is not None, f"{name}: built in Rust"
        want = [row[0] for row in r.rows()]
        got = table.column("v").to_pylist()
        # The same instants (or local values) as the rows give, value by value.
        assert got == want, name


def test_the_optional_libraries_are_imported_only_when_used():
    import subprocess

    probe = (
        "import sys, claimgraph\n"
        "db = claimgraph.Database(':memory:')\n"
        "r = db.query('UNWIND range(1, 3) AS i RETURN i')\n"
        "r.rows(); r.to_dicts(); list(r)\n"
        "optional = ('pandas', 'pyarrow', 'polars', 'networkx')\n"
        "print(sorted(m for m in optional if m in sys.modules))\n"
        "r.to_arrow()\n"
        "print(sorted(m for m in optional if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    before, after = out.stdout.splitlines()
    assert before == "[]"
    assert "pyarrow" in after and "networkx" not in after


SCALARS = (
    "UNWIND [1, 2, null, 4] AS x "
    "RETURN x AS i, toFloat(x) / 3 AS f, toString(x) + 'é' AS s, x > 1 AS b, null AS n, "
    "x = 1 OR x = 2 AS full_b, coalesce(x, 0) AS full_i, date('2024-01-0' + toString(coalesce(x, 9))) AS d, "
    "CASE WHEN x IS NULL THEN null ELSE date('1969-12-31') END AS d_null, [x] AS l, localtime('12:00') AS t"
)


def test_to_pandas_through_arrow_equals_the_frame_of_the_python_values(db, monkeypatch):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    from claimgraph import _frames

    r = db.query(SCALARS)
    through = [
        name
        for i, name in enumerate(r.columns)
        if (a := r._arrow_column(pa, i)) is not None and str(a.type) in _frames._PANDAS_THROUGH_ARROW
    ]
    assert through == ["i", "f", "s", "b", "n", "full_b", "full_i", "d", "d_null"]
    plain = pd.DataFrame({name: r._column(i) for i, name in enumerate(r.columns)}, columns=r.columns)
    fast = r.to_pandas()
    pd.testing.assert_frame_equal(fast, plain)
    # Without pyarrow, to_pandas builds every column from its values: the same frame.
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    pd.testing.assert_frame_equal(r.to_pandas(), plain)
