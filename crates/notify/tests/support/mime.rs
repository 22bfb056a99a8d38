//! Just enough of RFC 5322 / 2047 / 2045 to read back what the notifier sent: unfolded
//! headers, encoded words (B and Q), and a base64 or plain body. Written independently of
//! lettre so the test checks lettre's output rather than trusting it.

use base64::Engine;

pub struct Parsed {
    pub headers: Vec<(String, String)>,
    pub raw_body: String,
}

pub fn parse(data: &str) -> Parsed {
    let (head, body) = data
        .split_once("\r\n\r\n")
        .expect("headers end with a blank line");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("header has a colon");
            headers.push((name.to_owned(), value.trim_start().to_owned()));
        }
    }
    Parsed {
        headers,
        raw_body: body.to_owned(),
    }
}

impl Parsed {
    /// The raw (still encoded) value of a header.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A header with its encoded words decoded.
    pub fn decoded(&self, name: &str) -> Option<String> {
        self.raw(name).map(decode_words)
    }

    /// The body, undoing the declared transfer encoding.
    pub fn body(&self) -> String {
        let encoding = self.raw("Content-Transfer-Encoding").unwrap_or("7bit");
        if encoding.eq_ignore_ascii_case("base64") {
            let compact: String = self.raw_body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .expect("base64 body");
            String::from_utf8(bytes).expect("UTF-8 body")
        } else {
            self.raw_body.clone()
        }
    }
}

/// Decodes `=?charset?B|Q?text?=` words; whitespace between two encoded words is dropped.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let Some(word) = encoded_word(&rest[start..]) else {
            out.push_str("=?");
            rest = &rest[start + 2..];
            last_was_word = false;
            continue;
        };
        out.push_str(&word.0);
        rest = &rest[start + word.1..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// The decoded text of the encoded word at the start of `s`, and its length.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let mut parts = inner.splitn(3, '?');
    let charset = parts.next()?;
    let encoding = parts.next()?;
    let rest = parts.next()?;
    let end = rest.find("?=")?;
    let text = &rest[..end];
    assert!(charset.eq_ignore_ascii_case("utf-8"), "charset {charset}");
    let bytes = match encoding {
        "B" | "b" => base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?,
        "Q" | "q" => decode_q(text)?,
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((String::from_utf8(bytes).ok()?, len))
}

fn decode_q(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

#[test]
fn decodes_b_and_q_words() {
    assert_eq!(
        decode_words("=?utf-8?b?552j5Yqe?= =?UTF-8?Q?=E6=8F=90=E9=86=92?="),
        "督办提醒"
    );
    assert_eq!(decode_words("\"a\" <x@y>"), "\"a\" <x@y>");
}
