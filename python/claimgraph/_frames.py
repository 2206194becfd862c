"""Result conversions to pandas, Arrow, Polars and networkx.

Each library is imported only when its method is called; a missing one raises
``ModuleNotFoundError`` naming the package to install.
"""

import importlib


def _need(module, package, method):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        raise ModuleNotFoundError(
            f"Result.{method}() needs the {package} package: pip install {package}",
            name=module,
        ) from e


def _plain(value):
    """A value with nodes, relationships and paths turned into dicts, for frames."""
    from ._claimgraph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"_id": value.id, "_labels": value.labels, **_plain(value.properties)}
    if isinstance(value, Relationship):
        return {
            "_id": value.id,
            "_type": value.type,
            "_start": value.start,
            "_end": value.end,
            **_plain(value.properties),
        }
    if isinstance(value, Path):
        return {
            "nodes": [_plain(n) for n in value.nodes],
            "relationships": [_plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# Arrow types whose pandas conversion gives the same dtype and values as the
# column's Python objects would (int64, float64, str or object, bool, dates as
# `datetime.date` objects): such columns go to pandas through Arrow, with no
# Python object per value. Other columns (times, datetimes, nodes, lists) are
# built from their Python values, as pandas would infer them.
_PANDAS_THROUGH_ARROW = {"int64", "double", "string", "large_string", "bool", "date32[day]", "null"}


def _pandas_column(result, i, pa):
    if pa is not None:
        array = result._arrow_column(pa, i)
        if array is not None and str(array.type) in _PANDAS_THROUGH_ARROW:
            return array.to_pandas()
    return result._column(i)


def to_pandas(result):
    pd = _need("pandas", "pandas", "to_pandas")
    try:
        import pyarrow as pa
    except ModuleNotFoundError:
        pa = None
    columns = result.columns
    data = {name: _pandas_column(result, i, pa) for i, name in enumerate(columns)}
    return pd.DataFrame(data, columns=columns)


def to_arrow(result):
    pa = _need("pyarrow", "pyarrow", "to_arrow")
    arrays = []
    for i, name in enumerate(result.columns):
        array = result._arrow_column(pa, i)
        if array is None:
            values = [_plain(v) for v in result._column(i)]
            try:
                array = pa.array(values)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
                from ._claimgraph import Error

                raise Error(
                    f"column {name!r} cannot become an Arrow column: {e}; "
                    "an Arrow column holds one type, so convert its values in the query "
                    "(toString(), toFloat())"
                ) from e
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=list(result.columns))


def to_polars(result):
    pl = _need("polars", "polars", "to_polars")
    _need("pyarrow", "pyarrow", "to_polars")
    return pl.from_arrow(to_arrow(result), rechunk=False)


def to_networkx(result):
    nx = _need("networkx", "networkx", "to_networkx")
    graph = nx.MultiDiGraph()
    nodes, relationships = result._subgraph()
    # Attribute dicts, not keyword arguments: a property may be called `key`.
    graph.add_nodes_from((n.id, {**n.properties, "labels": n.labels}) for n in nodes)
    graph.add_edges_from(
        (r.start, r.end, r.id, {**r.properties, "type": r.type}) for r in relationships
    )
    return graph
