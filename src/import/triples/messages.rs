use super::*;

fn first_error(src: &str) -> String {
    let mut report = Report::new("t.triples", src);
    let mut progress = Progress::new(None, src.len());
    parse(src, &mut report, &mut progress);
    let d = report.finish();
    let d = &d.items[0];
    format!("{}:{} {}", d.line, d.column, d.message)
}

#[test]
fn messages_say_what_was_expected() {
    assert_eq!(first_error("  ??? foo\n"), format!("1:3 {EXPECTED_ITEM}"));
    assert_eq!(
        first_error("actor \"X\" {a: 1\nplace \"P\"\n"),
        "2:1 expected } or ,"
    );
    assert_eq!(first_error("actor \"X\" {a 1}\n"), "1:14 expected :");
    assert_eq!(
        first_error("actor \"X\" {aliases: [\"a\" \"b\"]}\n"),
        "1:26 expected ] or ,"
    );
    assert_eq!(
        first_error("\"A\" leads \"B\" extra\n"),
        "1:15 expected a property map {key: value, ...} or the end of the line"
    );
    assert_eq!(
        first_error("\"A\" claims\n"),
        "1:11 expected a quoted name, a statement label or an inline declaration"
    );
}
