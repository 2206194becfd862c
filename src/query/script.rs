//! Splitting a script into statements (ended by `;`) and shell `:commands`.
