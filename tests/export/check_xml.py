"""Parses an XML file with Python's expat-based parser, which refuses characters
that XML does not allow, and prints the text of every element as JSON."""
import json
import sys
import xml.etree.ElementTree as ElementTree

root = ElementTree.parse(sys.argv[1]).getroot()
texts = [t for element in root.iter() for t in (element.text, element.tail) if t and t.strip()]
print(json.dumps({"root": root.tag, "texts": texts}))
