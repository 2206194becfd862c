//! The example article built through the library API, and data meant to break
//! writers: control characters, quotes, markup, unicode, odd names.

use claimgraph::value::Properties;
use claimgraph::{Database, NodeId, Value};

/// Properties from pairs.
pub fn props(pairs: &[(&str, Value)]) -> Properties {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

pub fn s(text: &str) -> Value {
    Value::from(text)
}

pub fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| Value::from(*i)).collect())
}

pub const ARTICLE: &str = "bakhmut-flag-2023-04-03";

/// The article of 2023-04-03 on the flag over Bakhmut, as `examples/bakhmut.triples`
/// tells it: who claims, denies and assesses what, and what each statement is about.
pub fn bakhmut() -> Database {
    let mut db = Database::in_memory();
    db.write(|txn| {
        txn.create_node(
            vec!["Article".into()],
            props(&[
                ("id", s(ARTICLE)),
                ("date", s("2023-04-03")),
                ("source", s("BBC News")),
                ("title", s("Wagner chief claims flag raised over Bakhmut")),
            ]),
        )?;
        let mut entity = |label: &str, name: &str, extra: &[(&str, Value)]| {
            let mut p = props(extra);
            p.insert("name".into(), s(name));
            txn.create_node(vec![label.into()], p)
        };
        let prigozhin = entity(
            "Actor",
            "Yevgeny Prigozhin",
            &[
                ("aliases", list(&["Prigozhin", "Mr. Prigozhin"])),
                ("role", s("head of the Wagner group")),
            ],
        )?;
        let wagner = entity(
            "Organisation",
            "Wagner",
            &[("aliases", list(&["Wagner Group"]))],
        )?;
        let staff = entity(
            "Organisation",
            "General Staff of the Ukrainian Armed Forces",
            &[],
        )?;
        let maliar = entity(
            "Actor",
            "Hanna Maliar",
            &[("role", s("deputy minister of defence of Ukraine"))],
        )?;
        let yermak = entity(
            "Actor",
            "Andriy Yermak",
            &[("role", s("head of the office of the President of Ukraine"))],
        )?;
        let isw = entity(
            "Organisation",
            "Institute for the Study of War",
            &[("aliases", list(&["ISW"]))],
        )?;
        let ukmod = entity("Organisation", "UK Ministry of Defence", &[])?;
        let bakhmut = entity(
            "Place",
            "Bakhmut",
            &[
                ("country", s("Ukraine")),
                ("population", Value::Int(73_212)),
            ],
        )?;
        let kramatorsk = entity("Place", "Kramatorsk", &[("country", s("Ukraine"))])?;
        let sloviansk = entity("Place", "Sloviansk", &[("country", s("Ukraine"))])?;

        let mut statement =
            |text: &str| txn.create_node(vec!["Statement".into()], props(&[("text", s(text))]));
        let s1 = statement("Bakhmut is Russian in a legal sense")?;
        let s2 = statement("Ukraine still controls a large portion of Bakhmut")?;
        let s3 = statement("The Russian flag was raised over the city hall of Bakhmut")?;
        let s4 =
            statement("Taking Bakhmut would allow Russia to threaten Kramatorsk and Sloviansk")?;
        let s5 = statement("Ukrainian soldiers are still concentrated in western Bakhmut")?;

        let mut edge = |a: NodeId, t: &str, b: NodeId, extra: &[(&str, Value)]| {
            let mut p = props(extra);
            p.insert("article".into(), s(ARTICLE));
            txn.create_relationship(a, t, b, p)
        };
        edge(prigozhin, "LEADS", wagner, &[])?;
        edge(
            prigozhin,
            "CLAIMS",
            s1,
            &[("date", s("2023-04-02")), ("quote", s("in a legal sense"))],
        )?;
        edge(prigozhin, "CLAIMS", s3, &[])?;
        edge(prigozhin, "CLAIMS", s5, &[])?;
        edge(staff, "DENIES", s1, &[])?;
        edge(staff, "CLAIMS", s2, &[])?;
        edge(maliar, "DENIES", s1, &[("quote", s("a funny fake"))])?;
        edge(
            yermak,
            "DENIES",
            s1,
            &[("quote", s("the fakes of those who invent a 'victory'"))],
        )?;
        edge(
            isw,
            "ASSESSES",
            s2,
            &[
                ("verdict", s("supported")),
                ("confidence", Value::Float(0.8)),
            ],
        )?;
        edge(ukmod, "ASSESSES", s4, &[("date", s("2022-12"))])?;
        for (st, place) in [
            (s1, bakhmut),
            (s2, bakhmut),
            (s3, bakhmut),
            (s4, bakhmut),
            (s4, kramatorsk),
            (s4, sloviansk),
            (s5, bakhmut),
        ] {
            edge(st, "ABOUT", place, &[])?;
        }
        Ok(())
    })
    .expect("the example article is valid");
    db
}

/// Data that has broken writers elsewhere: every kind of value, quotes and
/// backslashes, markup, control characters, right-to-left and astral text, names
/// that look like syntax, a self-loop, parallel edges, nodes without labels or
/// properties, and a relationship without an article.
pub fn hostile() -> Database {
    let mut db = Database::in_memory();
    db.write(|txn| {
        let nasty = "Quote \" apostrophe ' back\\slash \\n <tag a=\"1\"> & {braces} |pipe| ;semi, comma\u{1}\u{7}\u{1b}[31m\ttab\r\nnewline \u{fffe} e\u{301} \u{202e}rtl \u{1f600}";
        let a = txn.create_node(
            vec!["Actor".into()],
            props(&[
                ("name", s(nasty)),
                ("aliases", list(&["a;b", "c|d", ""])),
                ("empty", s("")),
                ("int", Value::Int(i64::MIN)),
                ("nan", Value::Float(f64::NAN)),
                ("inf", Value::Float(f64::INFINITY)),
                ("tiny", Value::Float(5e-324)),
                ("flag", Value::Bool(false)),
                (
                    "nested",
                    Value::List(vec![
                        Value::List(vec![Value::Int(1)]),
                        Value::Map(props(&[("k", s("v"))]).to_btree()),
                    ]),
                ),
                ("map", Value::Map(props(&[("we ird", Value::Null)]).to_btree())),
                ("label", s("clashes with the GraphML display key")),
                ("_export_id", Value::Int(-1)),
                ("key with spaces:and:colons", s("x")),
            ]),
        )?;
        let st = txn.create_node(
            vec!["Statement".into()],
            props(&[("text", s(&format!("{nasty} {}", "long ".repeat(200))))]),
        )?;
        let bare = txn.create_node(vec![], Properties::new())?;
        let odd = txn.create_node(
            vec!["Odd Label".into(), "Ünïcødé".into(), "with`tick".into()],
            props(&[("mixed", Value::Int(1)), ("title", s("   "))]),
        )?;
        let odd2 = txn.create_node(
            vec!["Odd Label".into()],
            props(&[("mixed", s("one")), ("id", s(".."))]),
        )?;
        let place = txn.create_node(
            vec!["Place".into()],
            props(&[("name", s("Київ / Kyiv?#[]@!$&'()*+,;="))]),
        )?;
        let article = txn.create_node(
            vec!["Article".into()],
            props(&[("id", s("a/b c?d#e"))]),
        )?;
        txn.create_relationship(a, "CLAIMS", st, props(&[("article", s("a/b c?d#e"))]))?;
        txn.create_relationship(a, "CLAIMS", st, props(&[("article", s("other"))]))?;
        txn.create_relationship(a, "DENIES", st, props(&[("quote", s(nasty))]))?;
        txn.create_relationship(st, "ABOUT", place, Properties::new())?;
        txn.create_relationship(bare, "SELF_LOOP", bare, Properties::new())?;
        txn.create_relationship(
            odd,
            "weird type`x",
            odd2,
            props(&[("weight", Value::Float(1.5)), ("n", Value::Int(2))]),
        )?;
        txn.create_relationship(odd2, "BACK", odd, props(&[("weight", Value::Int(3))]))?;
        txn.create_relationship(article, "MENTIONS", place, Properties::new())?;
        Ok(())
    })
    .expect("the hostile data is valid");
    db
}
