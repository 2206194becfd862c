"""Expands claimgraph's ClaimReview export with rdflib's JSON-LD processor and
prints, as JSON, what it found: the predicates used, and for each ClaimReview
its claimReviewed and verdict (reviewRating/alternateName).

    jsonld.py FILE.jsonld

The document's "@context": "https://schema.org" is mapped to a local context
with "@vocab": "https://schema.org/", so nothing is fetched from the network.
Exits with status 3 when rdflib is missing.
"""

import json
import sys


def main():
    try:
        import rdflib
    except ImportError as e:
        print(f"rdflib is not installed: {e}", file=sys.stderr)
        sys.exit(3)
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["@context"] == "https://schema.org", doc.get("@context")
    doc["@context"] = {"@vocab": "https://schema.org/"}
    g = rdflib.Graph()
    g.parse(data=json.dumps(doc), format="json-ld")
    schema = rdflib.Namespace("https://schema.org/")
    reviews = []
    for review in g.subjects(rdflib.RDF.type, schema.ClaimReview):
        rating = g.value(review, schema.reviewRating)
        reviews.append([str(g.value(review, schema.claimReviewed)),
                        str(g.value(rating, schema.alternateName)),
                        str(g.value(g.value(review, schema.author), schema.name))])
    print(json.dumps({
        "triples": len(g),
        "predicates": sorted({str(p) for p in g.predicates()}),
        "types": sorted({str(o) for o in g.objects(None, rdflib.RDF.type)}),
        "reviews": sorted(reviews),
    }))


if __name__ == "__main__":
    main()
