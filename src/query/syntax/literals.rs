//! The builder, part 4: number and string literals, and names.

use super::*;

impl Builder<'_> {
    /// A number literal, negated when a minus stands right before it.
    pub(super) fn number(&self, pair: Pair<'_>, negative: bool) -> Result<Literal> {
        let text = pair.as_str();
        let start = pair.as_span().start();
        let sign = if negative { "-" } else { "" };
        if pair.as_rule() == Rule::float_lit {
            let value: f64 = text.parse().map_err(|_| {
                self.error_at(
                    start,
                    format!("`{text}` is not a valid floating-point number"),
                )
            })?;
            if !value.is_finite() {
                return Err(self.error_at(
                    start,
                    format!("floating point overflow: the number {sign}{text} is too large for a floating-point value"),
                ));
            }
            return Ok(Literal::Float(if negative { -value } else { value }));
        }
        let (digits, radix) = match pair.as_rule() {
            Rule::hex_lit => (&text[2..], 16),
            Rule::octal_lit => (&text[2..], 8),
            _ => (text, 10),
        };
        let magnitude = digits.chars().try_fold(0u64, |acc, c| {
            let digit = u64::from(c.to_digit(radix)?);
            acc.checked_mul(u64::from(radix))?.checked_add(digit)
        });
        let value = magnitude.and_then(|m| {
            if negative {
                0i64.checked_sub_unsigned(m)
            } else {
                i64::try_from(m).ok()
            }
        });
        value.map(Literal::Int).ok_or_else(|| {
            self.error_at(
                start,
                format!(
                    "integer overflow: the integer {sign}{text} is too {}: integers range from {} to {}",
                    if negative { "small" } else { "large" },
                    i64::MIN,
                    i64::MAX
                ),
            )
        })
    }

    /// The text of a string literal with its escapes resolved.
    pub(super) fn unescape(&self, content: &Pair<'_>) -> Result<String> {
        let text = content.as_str();
        let base = content.as_span().start();
        let mut out = String::with_capacity(text.len());
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let bad = |message: &str| self.error_at(base + i, message.to_string());
            let Some((_, e)) = chars.next() else {
                return Err(bad("a backslash at the end of a string escapes nothing"));
            };
            match e {
                '\\' => out.push('\\'),
                '\'' => out.push('\''),
                '"' => out.push('"'),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' | 'U' => {
                    let len = if e == 'u' { 4 } else { 8 };
                    let code = hex_code(&mut chars, len).ok_or_else(|| {
                        bad(&format!(
                            "invalid unicode literal: `\\{e}` must be followed by {len} hexadecimal digits"
                        ))
                    })?;
                    let ch = if (0xD800..0xDC00).contains(&code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        let mut look = chars.clone();
                        let low = match (look.next(), look.next()) {
                            (Some((_, '\\')), Some((_, 'u'))) => hex_code(&mut look, 4),
                            _ => None,
                        };
                        match low {
                            Some(low) if (0xDC00..0xE000).contains(&low) => {
                                chars = look;
                                char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                            }
                            _ => None,
                        }
                    } else {
                        char::from_u32(code)
                    };
                    out.push(
                        ch.ok_or_else(|| bad("this escape does not stand for a valid character"))?,
                    );
                }
                other => {
                    return Err(bad(&format!(
                        "unknown escape `\\{other}` in a string; use `\\\\` for a backslash"
                    )))
                }
            }
        }
        Ok(out)
    }

    // ----------------------------------------------------------------- names

    /// The name in a `variable` or `schema_name` pair.
    pub(super) fn name(&self, pair: Pair<'_>) -> Result<String> {
        let token = self.next(&mut pair.into_inner(), "a name")?;
        Ok(self.name_token(&token))
    }

    /// A `plain_name` as typed, or an `escaped_name` without its backquotes.
    pub(super) fn name_token(&self, token: &Pair<'_>) -> String {
        let text = token.as_str();
        if token.as_rule() == Rule::empty_name {
            String::new()
        } else if token.as_rule() == Rule::escaped_name && text.len() >= 2 {
            text[1..text.len() - 1].replace("``", "`")
        } else {
            text.to_string()
        }
    }
}
