//! How the analysis's sentences quote a name (an endpoint, a stage, a rule): as a
//! Markdown code span, so `render` shows it as code and the terminal as it is. A name
//! holding backticks gets a longer fence, as CommonMark reads one, so its own
//! backticks neither end the span nor start another.

/// `text` as a code span: `` `name` ``, or for a name holding backticks a fence one
/// longer than its longest run of them, padded with a space each side (which
/// CommonMark strips): ``` `` a`b `` ```.
pub fn ticked(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

#[cfg(test)]
mod tests {
    use super::ticked;

    #[test]
    fn a_fence_longer_than_any_backtick_run_inside() {
        assert_eq!(ticked("GET /a"), "`GET /a`");
        assert_eq!(ticked("x|`item`"), "`` x|`item` ``");
        assert_eq!(ticked("a``b`"), "``` a``b` ```");
        assert_eq!(ticked(""), "``");
    }
}
