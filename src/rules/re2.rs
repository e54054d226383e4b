//! Go RE2 → Rust regex syntax. gitleaks configs are written for Go's
//! `regexp`; most of it means the same in `regex-syntax`, but a few forms are
//! read differently or rejected. This rewrites those where the meaning is the
//! same, and rejects what neither engine can run, naming the construct:
//!
//! - `\Q...\E` (literal text) becomes escaped literals;
//! - `\<`, `\>` are literal `<`, `>` in Go (word boundaries in Rust);
//! - octal escapes (`\012`, `\0`) become `\x{..}`;
//! - `\C` (any byte) becomes `(?s-u:.)`;
//! - a `{` that does not start a valid repetition is literal in Go;
//! - in a class, `[` (not `[:name:]`), `&&`, `--` and `~~` are literal in Go
//!   and set operators in Rust, so class literals are re-escaped;
//! - lookaround and backreferences are rejected.

use std::borrow::Cow;

/// Rewrites a Go RE2 `pattern` into Rust regex syntax with the same meaning.
pub fn translate(pattern: &str) -> Result<Cow<'_, str>, String> {
    if !needs_translation(pattern) {
        return Ok(Cow::Borrowed(pattern));
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i = escape(&chars, i, &mut out)?,
            '[' => i = class(&chars, i, &mut out)?,
            '{' => match repetition_end(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..end]);
                    i = end;
                }
                None => {
                    out.push_str("\\{");
                    i += 1;
                }
            },
            '(' if chars.get(i + 1) == Some(&'?') => {
                reject_lookaround(&chars[i + 2..])?;
                out.push('(');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(Cow::Owned(out))
}

/// Patterns made only of characters whose meaning is the same in both
/// dialects are used as written (the common case: no work, no allocation).
fn needs_translation(pattern: &str) -> bool {
    let b = pattern.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        b'[' | b'{' => true,
        b'(' => b.get(i + 1) == Some(&b'?'),
        b'\\' => matches!(b.get(i + 1), Some(b'Q' | b'<' | b'>' | b'C' | b'0'..=b'9')),
        _ => false,
    })
}

fn reject_lookaround(after: &[char]) -> Result<(), String> {
    let starts = |s: &str| after.iter().take(s.len()).copied().eq(s.chars());
    for (form, what) in [
        ("=", "lookahead (?="),
        ("!", "negative lookahead (?!"),
        ("<=", "lookbehind (?<="),
        ("<!", "negative lookbehind (?<!"),
        ("P=", "backreference (?P="),
        (">", "atomic group (?>"),
    ] {
        if starts(form) {
            return Err(format!(
                "{what} is not supported (neither Go RE2 nor leakhound has it)"
            ));
        }
    }
    Ok(())
}

/// Translates the escape at `chars[i] == '\\'`; returns the index after it.
fn escape(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let Some(&c) = chars.get(i + 1) else {
        return Err("trailing backslash".into());
    };
    match c {
        'Q' => {
            let mut j = i + 2;
            while j < chars.len() && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E')) {
                push_literal(chars[j], out);
                j += 1;
            }
            Ok((j + 2).min(chars.len()))
        }
        'E' => Ok(i + 2),
        '<' | '>' => {
            out.push(c);
            Ok(i + 2)
        }
        'C' => {
            out.push_str("(?s-u:.)");
            Ok(i + 2)
        }
        '0'..='9' => {
            let (value, end) = octal(chars, i + 1)?;
            out.push_str(&format!("\\x{{{value:x}}}"));
            Ok(end)
        }
        'p' | 'P' | 'x' if chars.get(i + 2) == Some(&'{') => {
            let close = chars[i..].iter().position(|&c| c == '}');
            let end = close.map_or(chars.len(), |p| i + p + 1);
            out.extend(&chars[i..end]);
            Ok(end)
        }
        _ => {
            out.push('\\');
            out.push(c);
            Ok(i + 2)
        }
    }
}

/// Go's octal escapes: `\0` plus up to two octal digits, or `\1`-`\7`
/// followed by at least one more (up to three in all). Anything else with a
/// digit is a backreference.
fn octal(chars: &[char], start: usize) -> Result<(u32, usize), String> {
    let is_octal = |c: Option<&char>| c.is_some_and(|c| ('0'..='7').contains(c));
    let first = chars[start];
    if first != '0' && !(first <= '7' && is_octal(chars.get(start + 1))) {
        return Err(format!(
            "backreference \\{first} is not supported (neither Go RE2 nor leakhound has it)"
        ));
    }
    let mut end = start;
    let mut value = 0;
    while end < start + 3 && is_octal(chars.get(end)) {
        value = value * 8 + chars[end].to_digit(8).unwrap_or(0);
        end += 1;
    }
    Ok((value, end))
}

/// The end of a valid Go repetition `{n}`, `{n,}` or `{n,m}` starting at `i`.
fn repetition_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let digits = |j: &mut usize| {
        let from = *j;
        while chars.get(*j).is_some_and(char::is_ascii_digit) {
            *j += 1;
        }
        *j > from
    };
    if !digits(&mut j) {
        return None;
    }
    if chars.get(j) == Some(&',') {
        j += 1;
        digits(&mut j);
    }
    (chars.get(j) == Some(&'}')).then_some(j + 1)
}

/// Translates the class starting at `chars[i] == '['`; returns the index after it.
fn class(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let mut j = i + 1;
    let start = out.len();
    out.push('[');
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(j) else {
            // Unterminated: left as written, for the regex parser to report.
            out.truncate(start);
            out.extend(&chars[i..]);
            return Ok(chars.len());
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(j + 1);
        }
        first = false;
        if c == '[' && chars.get(j + 1) == Some(&':') {
            if let Some(len) = chars[j..].windows(2).position(|w| w == [':', ']']) {
                out.extend(&chars[j..j + len + 2]);
                j += len + 2;
                continue;
            }
        }
        let (item, next) = class_item(chars, j, out)?;
        j = next;
        // A range: `a-z`, unless the `-` is the class's last character.
        if let Some(from) = item {
            if chars.get(j) == Some(&'-') && chars.get(j + 1).is_some_and(|&c| c != ']') {
                out.push('-');
                let (to, next) = class_item(chars, j + 1, out)?;
                if to.is_none() {
                    return Err(format!("invalid class range starting at '{from}'"));
                }
                j = next;
            }
        }
    }
}

/// One class member at `j`: a literal (returned, so a range can follow) or
/// an escape class like `\d` (written as is, returns `None`).
fn class_item(chars: &[char], j: usize, out: &mut String) -> Result<(Option<char>, usize), String> {
    let c = chars[j];
    if c != '\\' {
        push_literal(c, out);
        return Ok((Some(c), j + 1));
    }
    let Some(&e) = chars.get(j + 1) else {
        return Err("trailing backslash".into());
    };
    match e {
        '0'..='9' => {
            let (value, end) = octal(chars, j + 1)?;
            let c = char::from_u32(value).unwrap_or('\0');
            push_literal(c, out);
            Ok((Some(c), end))
        }
        'a' | 'f' | 't' | 'n' | 'r' | 'v' | 'x' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'p' | 'P' => {
            // Same meaning in both; copy the escape with its argument.
            let mut end = j + 2;
            if matches!(e, 'x' | 'p' | 'P') {
                if chars.get(end) == Some(&'{') {
                    while end < chars.len() && chars[end] != '}' {
                        end += 1;
                    }
                    end = (end + 1).min(chars.len());
                } else {
                    end = (end + if e == 'x' { 2 } else { 1 }).min(chars.len());
                }
            }
            out.extend(&chars[j..end]);
            let literal = match e {
                'a' => Some('\x07'),
                'f' => Some('\x0c'),
                't' => Some('\t'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                'v' => Some('\x0b'),
                'x' => hex_value(&chars[j + 2..end]),
                _ => None,
            };
            Ok((literal, end))
        }
        other => {
            push_literal(other, out);
            Ok((Some(other), j + 2))
        }
    }
}

fn hex_value(digits: &[char]) -> Option<char> {
    let s: String = digits.iter().filter(|c| c.is_ascii_hexdigit()).collect();
    u32::from_str_radix(&s, 16).ok().and_then(char::from_u32)
}

/// Writes `c` so that Rust reads it as that literal character, in or out of a class.
fn push_literal(c: char, out: &mut String) {
    match c {
        c if c.is_ascii_alphanumeric() || !c.is_ascii() => out.push(c),
        '<' | '>' => out.push(c),
        c if c.is_ascii_graphic() || c == ' ' => {
            out.push('\\');
            out.push(c);
        }
        c => out.push_str(&format!("\\x{{{:x}}}", c as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::translate;

    fn t(p: &str) -> String {
        translate(p).unwrap().into_owned()
    }

    #[test]
    fn plain_patterns_are_borrowed() {
        assert!(matches!(
            translate(r"ghp_\w+\b"),
            Ok(std::borrow::Cow::Borrowed(_))
        ));
    }

    #[test]
    fn go_only_forms_are_rewritten() {
        assert_eq!(t(r"\Qa.b\E+"), r"a\.b+");
        assert_eq!(t(r"\<tag\>"), "<tag>");
        assert_eq!(t(r"a\012b\0"), r"a\x{a}b\x{0}");
        assert_eq!(t(r"x{,3}y{2}z{2,}w{"), r"x\{,3}y{2}z{2,}w\{");
        assert_eq!(t(r"\C"), "(?s-u:.)");
    }

    #[test]
    fn class_literals_are_escaped_for_rust() {
        assert_eq!(t("[a-z[]"), r"[a-z\[]");
        assert_eq!(t("[&&x]"), r"[\&\&x]");
        assert_eq!(t("[+--]"), r"[\+-\-]");
        assert_eq!(t("[]a]"), r"[\]a]");
        assert_eq!(t("[^-a]"), r"[^\-a]");
        assert_eq!(t(r"[\w.=-]"), r"[\w\.\=\-]");
        assert_eq!(t("[[:alpha:]_]"), r"[[:alpha:]\_]");
        assert_eq!(t(r"[\x{41}-\x{5a}]"), r"[\x{41}-\x{5a}]");
    }

    #[test]
    fn unsupported_forms_name_the_construct() {
        for (p, what) in [
            ("a(?=b)", "lookahead"),
            ("(?<!a)b", "negative lookbehind"),
            (r"(a)\1", "backreference"),
            ("(?P=n)", "backreference"),
        ] {
            let err = translate(p).unwrap_err();
            assert!(err.contains(what), "{p}: {err}");
        }
    }

    #[test]
    fn translated_patterns_compile_and_keep_their_meaning() {
        for (go, hay, want) in [
            ("[a-z[]+", "ab[c", true),
            (r"\Q$x\E", "cost $x", true),
            (r"\<b\>", "<b>", true),
            ("a{,2}", "a{,2}", true),
            ("a{,2}", "aa", false),
            (r"\x{41}\p{Greek}", "A\u{3b1}", true),
        ] {
            let rust = t(go);
            let re = regex_automata::meta::Regex::new(&rust).unwrap();
            assert_eq!(re.is_match(hay), want, "{go} -> {rust} on {hay}");
        }
    }
}
