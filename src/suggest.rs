//! "Did you mean" hints for misspelt keys, kinds and rule ids.

/// The closest candidate to `input`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A hint for serde's "unknown field `x`, expected one of `a`, `b`" message.
pub fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s)
        .collect();
    let list = expected.join(", ");
    Some(match did_you_mean(field, expected.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? allowed keys here: {list}"),
        None => format!("allowed keys here: {list}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("anual-report", ["annual-report", "page"]),
            Some("annual-report")
        );
        assert_eq!(did_you_mean("zzz", ["annual-report", "page"]), None);
    }

    #[test]
    fn parses_serde_unknown_field() {
        let h =
            unknown_field_hint("unknown field `nmae`, expected one of `name`, `base_url`").unwrap();
        assert!(h.starts_with("did you mean `name`?"), "{h}");
    }
}
