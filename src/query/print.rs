//! `Display` for the AST: valid query text, so that parse → print → parse is the identity.
