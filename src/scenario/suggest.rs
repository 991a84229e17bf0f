//! "Did you mean …?" suggestions for misspelt field, variant and reference names.

/// Edit distance (Levenshtein, by characters, case-insensitive).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The allowed name closest to `found`, if it is close enough to be a likely typo: at most
/// a third of the longer name's characters differ (and at least one may differ).
pub fn closest<'a, I>(found: &str, allowed: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    allowed
        .into_iter()
        .map(|c| (distance(found, c), c))
        .filter(|&(d, c)| d <= (found.chars().count().max(c.chars().count()) / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// `a`, `b` or `c` — a list of allowed names in backticks.
pub fn one_of<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.len() {
        0 => "(none)".to_string(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// ", did you mean `x`?" or "" — to append to a message.
pub fn did_you_mean<'a, I>(found: &str, allowed: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match closest(found, allowed) {
        Some(s) if s != found => format!(", did you mean `{s}`?"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("shfits", "shifts"), 2);
        assert_eq!(distance("Phone", "phone"), 0);
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let allowed = ["name", "skills", "channels", "shifts", "shrinkage"];
        assert_eq!(closest("shfits", allowed), Some("shifts"));
        assert_eq!(closest("chanels", allowed), Some("channels"));
        assert_eq!(closest("colour", allowed), None);
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
