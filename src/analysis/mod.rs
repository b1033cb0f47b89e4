//! Analysis: from a `model::Run` to every figure and judgement the report shows.
//! Nothing here formats text; rendering happens in `render/`.

pub mod metrics;
