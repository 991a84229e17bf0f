//! "Did you mean …?" suggestions for misspelt field, variant and reference names.

/// Edit distance (optimal string alignment: insertions, deletions, substitutions and
/// transpositions of neighbours each cost 1), by characters, case-insensitive.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
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

/// The end of an "unknown name" message: `, did you mean `x`? Allowed fields: …` when a
/// near miss exists, `; allowed fields: …` otherwise (`label`: "allowed fields").
pub fn unknown_tail(found: &str, allowed: &[&str], label: &str) -> String {
    let list = if allowed.is_empty() {
        "(none)".to_string()
    } else {
        one_of(allowed)
    };
    match closest(found, allowed.iter().copied()) {
        Some(s) if s != found => {
            let mut chars = label.chars();
            let cap: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            format!(", did you mean `{s}`? {cap}: {list}")
        }
        _ => format!("; {label}: {list}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("shfits", "shifts"), 1);
        assert_eq!(distance("emial", "email"), 1);
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
