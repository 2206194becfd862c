"""Loads an N-Quads file with rdflib and prints how many quads it holds as JSON.

Exit status 3 means rdflib is not installed.
"""
import json
import sys

try:
    import rdflib
except ImportError as e:
    print(e, file=sys.stderr)
    sys.exit(3)

dataset = rdflib.Dataset()
dataset.parse(sys.argv[1], format="nquads")
graphs = {str(ctx.identifier) for ctx in dataset.contexts()}
print(json.dumps({
    "quads": sum(1 for _ in dataset.quads((None, None, None, None))),
    "graphs": sorted(graphs),
}))
