//! The shell's `:help`: one line a command, and more on a few.

/// One line of help per command.
pub const HELP: &[(&str, &str)] = &[
    (":help [COMMAND]", "this help, or more about one command"),
    (
        ":schema",
        "labels and relationship types with counts, and their property keys",
    ),
    (
        ":param NAME => VALUE",
        "set $NAME for statements; VALUE is an expression or JSON",
    ),
    (":params [clear]", "list the parameters (or forget them all)"),
    (":import FILE...", "import .triples or .jsonl files"),
    (
        ":export FORMAT FILE [QUERY]",
        "write the graph, or a query's subgraph, as json, dot, svg, graphml, nquads, cypher or neo4j-csv",
    ),
    (":format table|json|csv", "how results are printed"),
    (":as-of DATE|off", "answer as of an article date"),
    (":at-tx N|off", "answer from the store after transaction N"),
    (":timing on|off", "print how long each statement takes"),
    (
        ":max_rows N",
        "show at most N rows of a table (0 shows them all)",
    ),
    (":quit", "leave (Ctrl-D does too)"),
];

pub(super) const HELP_KEYS: &str = "\
Statements may span lines and end with ';'. Keys:
  Tab        complete keywords, functions, labels, types, property keys, $params,
             and entity names inside quotes (\"Yevg<Tab>)
  Up/Down    walk the history; Ctrl-R searches it. The history is kept in
             $CLAIMGRAPH_HISTORY, or ~/.local/share/claimgraph/history
  Ctrl-C     abandon the line being typed, or stop the running statement
  Ctrl-D     leave
Example:
  MATCH (a:Actor)-[c:CLAIMS]->(s:Statement)
  RETURN a.name, s.text, c.article LIMIT 5;";

pub(super) fn more_help(command: &str) -> Option<&'static str> {
    Some(match command {
        "param" | "params" => {
            "\
:param NAME => VALUE sets the parameter $NAME. VALUE is a query expression
(evaluated with the parameters set so far) or, failing that, JSON:
  :param who => 'Yevgeny Prigozhin'
  :param since => date('2023-05-01')
  :param ids => [1, 2, 3]
:param {a: 1, b: 'x'} sets several at once. :param NAME shows one value,
:params lists them all, and :params clear forgets them."
        }
        "export" => {
            "\
:export FORMAT FILE [QUERY] writes the whole graph, or with a QUERY the subgraph
made of the nodes, relationships and paths in its rows:
  :export svg claims.svg
  :export json denials.json MATCH (a)-[d:DENIES]->(s) RETURN a, d, s
  :export parquet out/ MATCH (a)-[c:CLAIMS]->(s) RETURN a, c, s
  :export claimreview reviews.jsonld
Formats: json, dot, svg, graphml, nquads, cypher, claimreview, and neo4j-csv
and parquet (for these two FILE is a directory)."
        }
        "import" => {
            "\
:import FILE... imports .triples or .jsonl files, each as one transaction:
a file with any error imports nothing, and the errors name file:line:column."
        }
        "format" => ":format table|json|csv sets how results are printed; :format alone shows it.",
        "timing" => ":timing on|off prints how long each statement takes.",
        "max_rows" => {
            ":max_rows N shows at most N rows of a table and says how many more there are; 0 shows all."
        }
        "schema" => {
            ":schema lists the node labels and relationship types with their counts,\n\
             and the property keys found on each."
        }
        "quit" | "exit" | "q" => ":quit leaves the shell; so does Ctrl-D on an empty line.",
        "help" => ":help lists the commands; :help COMMAND tells more about one.",
        _ => return None,
    })
}
