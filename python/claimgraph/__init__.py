"""claimgraph: a knowledge-graph store for news claims, queried in openCypher, in process.

>>> import claimgraph
>>> with claimgraph.Database(":memory:") as db:
...     db.query("RETURN 1 + 1 AS two").rows()
[(2,)]

Results convert to pandas (``to_pandas``), Arrow (``to_arrow``), Polars
(``to_polars``) and networkx (``to_networkx``); those libraries are imported
only when their method is called.
"""

from ._claimgraph import (
    ConstraintViolation,
    Database,
    Error,
    FileError,
    ImportFailed,
    Node,
    Path,
    QueryCancelled,
    QueryError,
    Relationship,
    ResourceLimitExceeded,
    Result,
    StoreError,
    StoreInUse,
    StoreFull,
)

__all__ = [
    "ConstraintViolation",
    "Database",
    "Error",
    "FileError",
    "ImportFailed",
    "Node",
    "Path",
    "QueryCancelled",
    "QueryError",
    "Relationship",
    "ResourceLimitExceeded",
    "Result",
    "StoreError",
    "StoreInUse",
    "StoreFull",
]
