//! String escapes of `.triples` files, shared by the hand-written line parser
//! (`fast`) and the pest parser (`triples`): which escapes are valid, and what
//! a string body means once they are resolved.

/// The length of a valid escape after its backslash (`rest` starts just after
/// it), or `None` for one the grammar rejects.
pub(super) fn escape_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' | b'\'' | b'\\' | b'n' | b't' => Some(1),
        b'u' => {
            let hex = rest.get(1..5)?;
            hex.iter().all(u8::is_ascii_hexdigit).then_some(5)
        }
        _ => None,
    }
}

/// Resolves the escapes of a string body that the grammar has accepted. Fails,
/// with the offset of the escape, on a `\u` escape that is not a character.
pub(super) fn unescape(body: &str) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => {
                let code = hex4(&mut chars)
                    .ok_or((i, "expected four hex digits after \\u".to_string()))?;
                let c = if (0xD800..0xDC00).contains(&code) {
                    // A high surrogate must be followed by `\u` and a low one.
                    let rest = &body[chars.peek().map_or(body.len(), |(j, _)| *j)..];
                    let low = rest
                        .strip_prefix("\\u")
                        .and_then(|r| r.get(..4))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    match low {
                        Some(low) => {
                            for _ in 0..6 {
                                chars.next();
                            }
                            char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                        }
                        None => None,
                    }
                } else {
                    char::from_u32(code)
                };
                match c {
                    Some(c) => out.push(c),
                    None => {
                        return Err((
                            i,
                            format!("\\u{code:04X} is not a character (a lone surrogate)"),
                        ))
                    }
                }
            }
            // The grammar only lets `"`, `'` and `\` through besides these.
            other => out.push(other),
        }
    }
    Ok(out)
}

fn hex4(chars: &mut impl Iterator<Item = (usize, char)>) -> Option<u32> {
    let mut code = 0;
    for _ in 0..4 {
        let (_, h) = chars.next()?;
        code = code * 16 + h.to_digit(16)?;
    }
    Some(code)
}
