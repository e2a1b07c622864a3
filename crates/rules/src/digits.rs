//! Reading the fixed-width digit codes registry items are usually spelled
//! in, ahead of each item's general reading.

/// The value of a text of exactly four ASCII digits (`8240`, `2021`);
/// `None` for any other text.
#[inline]
pub(crate) fn four_digits(text: &str) -> Option<u16> {
    let &[a, b, c, d] = text.as_bytes() else {
        return None;
    };
    let digits = [a, b, c, d];
    digits
        .iter()
        .all(u8::is_ascii_digit)
        .then(|| digits.iter().fold(0u16, |v, x| v * 10 + u16::from(x - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_four_digits() {
        assert_eq!(four_digits("8240"), Some(8240));
        assert_eq!(four_digits("0000"), Some(0));
        assert_eq!(four_digits("9999"), Some(9999));
        for s in ["", "824", "82400", " 824", "824a", "８２４０", "82.4"] {
            assert_eq!(four_digits(s), None, "{s:?}");
        }
    }
}
