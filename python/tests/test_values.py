"""Values both ways: parameters in, results out, and stored properties."""

import math

import pytest

import claimgraph

ROUND_TRIP = [
    None,
    True,
    False,
    0,
    -1,
    2**63 - 1,
    -(2**63),
    1.5,
    -0.0,
    1e300,
    float("inf"),
    "",
    "Bakhmut",
    "é 😀 \n\t 'quoted' \"double\"",
    [],
    [1, 2, 3],
    [1, "two", 3.0, None, True],
    [[1, [2, [3, []]]], [None]],
    {},
    {"a": 1, "b": [1, {"c": None}], "d": {"e": {"f": "g"}}},
    [{"k": [1, 2]}, {"k": None}],
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=repr)
def test_parameters_come_back_as_they_went_in(db, value):
    (row,) = db.query("RETURN $v AS v", {"v": value}).rows()
    assert row == (value,)
    assert type(row[0]) is type(value)


def test_nan_comes_back_as_nan(db):
    (row,) = db.query("RETURN $v AS v", {"v": float("nan")}).rows()
    assert math.isnan(row[0])


def test_tuples_go_in_as_lists(db):
    assert db.query("RETURN $v AS v", {"v": (1, (2, 3))}).rows() == [([1, [2, 3]],)]


def test_values_computed_by_the_engine_have_python_types(db):
    row = db.query(
        "RETURN 1 + 1 AS i, 7 / 2.0 AS f, 'a' + 'b' AS s, 1 < 2 AS b, null AS n, "
        "[x IN range(1, 3) | x * x] AS l, {k: [true]} AS m"
    ).to_dicts()[0]
    assert row == {"i": 2, "f": 3.5, "s": "ab", "b": True, "n": None, "l": [1, 4, 9], "m": {"k": [True]}}


def test_stored_properties_round_trip(db):
    props = {"i": -(2**62), "f": 0.25, "s": "x", "b": False, "l": [1, 2], "ls": ["a", "b"]}
    db.query("CREATE (:Thing $props)", {"props": props})
    (node,) = db.query("MATCH (n:Thing) RETURN n").rows()[0]
    assert node.properties == props
    assert node["ls"] == ["a", "b"]
    assert node.labels == ["Thing"]


def test_integers_past_64_bits_are_refused(db):
    with pytest.raises(OverflowError, match="64 bits"):
        db.query("RETURN $v", {"v": 2**63})


@pytest.mark.parametrize("value", [{1, 2}, b"bytes", object(), {1: "x"}])
def test_other_types_are_refused_with_their_place(db, value):
    with pytest.raises(TypeError, match=r"\$v"):
        db.query("RETURN $v", {"v": [value]})


def test_temporal_values_round_trip(db):
    import datetime as dt
    import zoneinfo

    plus2 = dt.timezone(dt.timedelta(hours=2))
    values = [
        dt.date(2023, 4, 3),
        dt.time(12, 34, 56, 789),
        dt.time(10, 0, tzinfo=plus2),
        dt.datetime(2023, 4, 3, 12, 30),
        dt.datetime(2023, 4, 3, 12, 30, tzinfo=plus2),
        dt.datetime(2023, 7, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Kyiv")),
        dt.timedelta(days=-2, seconds=5, microseconds=7),
    ]
    for value in values:
        [(back,)] = db.query("RETURN $v AS v", {"v": value}).rows()
        assert back == value and type(back) is type(value), (value, back)
        assert (back.tzinfo if hasattr(back, "tzinfo") else None) == getattr(value, "tzinfo", None)
    nested = {"v": [dt.date(2020, 1, 1), None, {"at": dt.datetime(2020, 1, 1, 1)}]}
    assert db.query("RETURN $v AS v", nested).rows() == [(nested["v"],)]


def test_temporal_values_from_the_engine(db):
    import datetime as dt

    [row] = db.query(
        "RETURN date('2024-02-29') AS d, localtime('12:34:56.123456789') AS lt, "
        "time('10:00-05:00') AS t, localdatetime('2024-01-01T01:02:03') AS ldt, "
        "datetime('2024-03-31T12:00[Europe/Berlin]') AS zdt, duration('P1DT2H') AS dur, "
        "duration('P1M2D') AS months, [date('2020-01-01'), null] AS list, {d: date('2020-01-02')} AS map"
    ).rows()
    d, lt, t, ldt, zdt, dur, months, lst, mp = row
    assert d == dt.date(2024, 2, 29)
    # Nanoseconds are truncated to Python's microseconds.
    assert lt == dt.time(12, 34, 56, 123456) and lt.tzinfo is None
    assert t.utcoffset() == dt.timedelta(hours=-5) and t.replace(tzinfo=None) == dt.time(10)
    assert ldt == dt.datetime(2024, 1, 1, 1, 2, 3) and ldt.tzinfo is None
    assert str(zdt.tzinfo) == "Europe/Berlin" and zdt.utcoffset() == dt.timedelta(hours=2)
    assert dur == dt.timedelta(days=1, hours=2)
    assert months == "P1M2D"
    assert lst == [dt.date(2020, 1, 1), None] and mp == {"d": dt.date(2020, 1, 2)}


def test_a_temporal_parameter_compares_with_engine_values(bakhmut):
    import datetime as dt

    rows = bakhmut.query(
        "MATCH (a:Article) WHERE a.date = $d RETURN a.date AS date", {"d": dt.date(2023, 4, 3)}
    ).rows()
    assert rows and all(r == (dt.date(2023, 4, 3),) for r in rows)


def test_a_list_that_contains_itself_is_refused(db):
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="deeper"):
        db.query("RETURN $v", {"v": loop})


def test_nodes_relationships_and_paths(bakhmut):
    result = bakhmut.query(
        "MATCH p = (a:Actor {name: 'Yevgeny Prigozhin'})-[c:CLAIMS]->(s:Statement) "
        "RETURN a, c, s, p ORDER BY s.text LIMIT 1"
    )
    a, c, s, p = result.rows()[0]
    assert isinstance(a, claimgraph.Node) and isinstance(c, claimgraph.Relationship)
    assert a["name"] == "Yevgeny Prigozhin" and "Actor" in a.labels
    assert c.type == "CLAIMS" and (c.start, c.end) == (a.id, s.id)
    assert c["article"] == c.properties["article"]
    assert isinstance(p, claimgraph.Path) and len(p) == 1
    assert p.start == a and p.end == s and p.relationships == [c]
    with pytest.raises(KeyError):
        a["no such property"]
    assert a.get("no such property", 7) == 7
    # The ids are the engine's: matching by id finds the same node.
    again = bakhmut.query("MATCH (n) WHERE id(n) = $id RETURN n", {"id": a.id}).rows()[0][0]
    assert again == a and hash(again) == hash(a)
    assert "Yevgeny Prigozhin" in repr(a)


def test_a_stored_temporal_property_reads_back(db):
    import datetime as dt

    when = dt.datetime(2023, 4, 3, 8, 15, 30, 250, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    db.query("CREATE (:Article {id: 'a', published: $w, length: $l})", {"w": when, "l": dt.timedelta(minutes=5)})
    [(published, length, later)] = db.query(
        "MATCH (a:Article) RETURN a.published, a.length, a.published + a.length"
    ).rows()
    assert published == when and length == dt.timedelta(minutes=5)
    assert later == when + dt.timedelta(minutes=5)
