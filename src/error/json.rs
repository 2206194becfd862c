//! The JSON form of an error, as `cli.md` ("Errors in JSON") defines it:
//! `{"error": {"kind", "detail", "phase", "message", "line", "column"}}`, with
//! `file` for an error in a file. Errors that are not about a query or an
//! import (the store, a file, a limit) have a kind of their own and no detail
//! or phase.

use serde_json::{json, Map, Value};

use super::Error;

impl Error {
    /// The error as the object `--format json` writes to standard error.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        match self.code() {
            Some(code) => {
                error.insert("kind".into(), json!(code.kind().to_string()));
                if let Some(detail) = code.detail.name() {
                    error.insert("detail".into(), json!(detail));
                }
                error.insert("phase".into(), json!(code.phase().name()));
            }
            None => {
                let kind = match self {
                    Error::Cancelled(_) => "Cancelled",
                    Error::ResourceLimit(_) => "ResourceLimit",
                    Error::StoreLocked { .. } => "StoreLocked",
                    Error::FormatVersion { .. } => "FormatVersion",
                    Error::Corrupt(_) => "Corrupt",
                    Error::History(_) => "History",
                    Error::Storage(_) => "StorageError",
                    _ => "IOError",
                };
                error.insert("kind".into(), json!(kind));
            }
        }
        let place = self.diagnostic();
        let message = match (self, place) {
            (Error::Input(_), Some(d)) => d.message.clone(),
            _ => self.to_string(),
        };
        error.insert("message".into(), json!(message));
        if let Some(d) = place {
            if let Some(file) = &d.file {
                error.insert("file".into(), json!(file));
            }
            error.insert("line".into(), json!(d.line));
            error.insert("column".into(), json!(d.column));
        }
        if let Error::Input(d) = self {
            let more = d.items.len() + d.omitted;
            if more > 1 {
                error.insert("errors".into(), json!(more));
            }
        }
        json!({ "error": error })
    }
}

#[cfg(test)]
mod tests {
    use crate::error::{Detail, Diagnostic, Error};

    #[test]
    fn a_query_error_has_kind_detail_phase_and_place() {
        let text = "MATCH (n) RETURN m";
        let e =
            Error::coded(Detail::UndefinedVariable, "undefined variable `m`").at_offset(text, 17);
        let j = e.to_json();
        assert_eq!(j["error"]["kind"], "SyntaxError");
        assert_eq!(j["error"]["detail"], "UndefinedVariable");
        assert_eq!(j["error"]["phase"], "compile time");
        assert_eq!(j["error"]["line"], 1);
        assert_eq!(j["error"]["column"], 18);
        assert!(j["error"].get("file").is_none());
    }

    #[test]
    fn an_import_error_names_its_file() {
        let d = Diagnostic::at_offset(Some("a.triples"), "x\n??", 2, "expected a subject");
        let j = Error::from(d).to_json();
        assert_eq!(j["error"]["file"], "a.triples");
        assert_eq!(j["error"]["line"], 2);
        assert_eq!(j["error"]["message"], "expected a subject");
    }
}
