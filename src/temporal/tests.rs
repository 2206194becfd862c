use super::*;
use crate::value::Value;

fn text(t: Result<Temporal, String>) -> String {
    t.map(|t| t.to_string()).unwrap_or_else(|e| e)
}

#[test]
fn every_iso_form_of_a_date_parses() {
    for (input, want) in [
        ("2015-07-21", "2015-07-21"),
        ("20150721", "2015-07-21"),
        ("2015-07", "2015-07-01"),
        ("2015-W30-2", "2015-07-21"),
        ("2015W302", "2015-07-21"),
        ("2015-W30", "2015-07-20"),
        ("2015-202", "2015-07-21"),
        ("2015", "2015-01-01"),
    ] {
        assert_eq!(text(parse::date(input)), want, "{input}");
    }
    for bad in [
        "yesterday",
        "06/01/2023",
        "2023-02-29",
        "2015-13",
        "2015-W54",
        "15-07-21",
    ] {
        assert!(parse::date(bad).is_err(), "{bad} parsed");
    }
}

#[test]
fn the_claims_date_is_a_date_or_a_datetime() {
    assert_eq!(text(parse::date_or_datetime("2022-12")), "2022-12-01");
    assert_eq!(
        text(parse::date_or_datetime("2023-04-02T21:30:00+03:00")),
        "2023-04-02T21:30+03:00"
    );
    assert!(parse::date_or_datetime("yesterday").is_err());
    assert!(parse::date_or_datetime("06/01/2023").is_err());
}

#[test]
fn named_zones_come_from_the_compiled_database() {
    assert_eq!(
        text(parse::datetime("2015-07-21T21:40:32.142[Europe/London]")),
        "2015-07-21T21:40:32.142+01:00[Europe/London]"
    );
    assert_eq!(
        text(parse::datetime("1818-07-21T21:40:32.142[Europe/Stockholm]")),
        "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]"
    );
    assert!(parse::datetime("2015-07-21T21:40[Nowhere/Atlantis]").is_err());
}

#[test]
fn durations_fold_fractions_into_smaller_units() {
    for (input, want) in [
        ("P14DT16H12M", "P14DT16H12M"),
        ("P5M1.5D", "P5M1DT12H"),
        ("P0.75M", "P22DT19H51M49.5S"),
        ("P2012-02-02T14:37:21.545", "P2012Y2M2DT14H37M21.545S"),
        ("PT-1M-0.001S", "PT-1M-0.001S"),
        ("PT0S", "PT0S"),
    ] {
        assert_eq!(text(parse::duration(input)), want, "{input}");
    }
}

#[test]
fn datetimes_compare_by_instant_and_times_by_utc() {
    let a = parse::datetime("2015-07-21T21:40+01:00").unwrap();
    let b = parse::datetime("2015-07-21T21:00Z").unwrap();
    assert_eq!(a.compare(&b), Some(Ordering::Less));
    let d = parse::date("2015-07-21").unwrap();
    assert_eq!(d.compare(&b), None, "a date and a datetime do not compare");
    let p = parse::duration("P1D").unwrap();
    assert_eq!(p.compare(&p), None, "durations have no order");
    assert!(p.equals(&parse::duration("P1D").unwrap()));
    assert!(
        !p.equals(&parse::duration("PT24H").unwrap()),
        "a day is not 24 hours"
    );
}

#[test]
fn stored_values_keep_decoding() {
    // Bytes of properties written before temporal values existed: the variant
    // numbers of the old encoding must mean the same thing.
    let old = vec![
        Value::Null,
        Value::Bool(true),
        Value::Int(-3),
        Value::Float(1.5),
        Value::String("2023-04-03".into()),
        Value::List(vec![Value::Int(1)]),
        Value::Map([("k".to_string(), Value::Int(2))].into()),
    ];
    let bytes = postcard::to_allocvec(&old).unwrap();
    assert_eq!(
        bytes,
        [
            7, 0, 1, 1, 2, 5, 3, 0, 0, 0, 0, 0, 0, 248, 63, 4, 10, 50, 48, 50, 51, 45, 48, 52, 45,
            48, 51, 5, 1, 2, 2, 6, 1, 1, 107, 2, 4
        ]
    );
    let back: Vec<Value> = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, old);
    // And a temporal value round-trips typed.
    let t = Value::Temporal(parse::datetime("2023-04-02T21:30+03:00[Europe/Moscow]").unwrap());
    let bytes = postcard::to_allocvec(&t).unwrap();
    assert_eq!(postcard::from_bytes::<Value>(&bytes).unwrap(), t);
}
