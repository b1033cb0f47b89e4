//! How the analysis's sentences quote a name (an endpoint, a stage, a rule): as a
//! Markdown code span, so `render` shows it as code and the terminal as it is. A name
//! holding backticks gets a longer fence, as CommonMark reads one, so its own
//! backticks neither end the span nor start another.

pub use crate::model::untrusted::ticked;

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
