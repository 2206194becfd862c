"""Loads a GraphML file with networkx and prints its counts as JSON.

Exit status 3 means networkx is not installed.
"""
import json
import sys

try:
    import networkx
except ImportError as e:
    print(e, file=sys.stderr)
    sys.exit(3)

graph = networkx.read_graphml(sys.argv[1])
sample = {}
for node, data in graph.nodes(data=True):
    if "population" in data:
        sample[node] = {"population": data["population"], "labels": data.get("labels")}
print(json.dumps({
    "nodes": graph.number_of_nodes(),
    "edges": graph.number_of_edges(),
    "directed": graph.is_directed(),
    "sample": sample,
}))
