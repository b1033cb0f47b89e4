//! What the report exporters are handed: the finished [`Analysis`], untouched, with
//! the charts render drew for it ([`Report`]). Serialised, a report is report.json:
//! the analysis's fields in their order, with the `charts` list right after
//! `percentile_method` (where report.json has always had it), so render never writes
//! into the analysis to get its charts listed.

use serde::ser::{Error as _, Impossible, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::analysis::Analysis;

/// A chart file next to the report.
#[derive(Clone, Debug, Serialize)]
pub struct ChartRef {
    /// `throughput`, `latency`, `error-rate`, `timeline`, `latency-distribution`,
    /// `endpoints`, `endpoint-timeline`, `endpoint-distribution`.
    pub kind: String,
    /// Its title.
    pub title: String,
    /// What to read from it, in one line.
    pub caption: String,
    /// The endpoint of a per-endpoint chart.
    pub endpoint: Option<String>,
    /// Path of the SVG relative to the report dir, when written.
    pub svg: Option<String>,
    /// Path of the PNG relative to the report dir, when written.
    pub png: Option<String>,
}

/// The report: the analysis and the charts written next to it.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    /// Every figure and judgement, as analysis made them.
    pub analysis: &'a Analysis,
    /// Charts written next to the report (report.md links them, report.html inlines
    /// them); empty with `--charts none`.
    pub charts: Vec<ChartRef>,
}

/// The analysis field report.json lists the charts after.
const CHARTS_AFTER: &str = "percentile_method";

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.analysis.serialize(WithCharts {
            inner: s,
            charts: &self.charts,
        })
    }
}

impl<'a> Report<'a> {
    /// The report of `analysis` without charts.
    pub fn new(analysis: &'a Analysis) -> Report<'a> {
        Report {
            analysis,
            charts: Vec::new(),
        }
    }
}

/// A serializer for the analysis struct that adds the `charts` field to it.
struct WithCharts<'c, S> {
    inner: S,
    charts: &'c [ChartRef],
}

/// The analysis's fields, passed on, and `charts` after [`CHARTS_AFTER`] (or last,
/// should that field ever go).
struct StructWithCharts<'c, T> {
    inner: T,
    charts: Option<&'c [ChartRef]>,
}

impl<T: SerializeStruct> SerializeStruct for StructWithCharts<'_, T> {
    type Ok = T::Ok;
    type Error = T::Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), T::Error> {
        self.inner.serialize_field(key, value)?;
        if key == CHARTS_AFTER {
            if let Some(charts) = self.charts.take() {
                self.inner.serialize_field("charts", charts)?;
            }
        }
        Ok(())
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), T::Error> {
        self.inner.skip_field(key)
    }

    fn end(mut self) -> Result<T::Ok, T::Error> {
        if let Some(charts) = self.charts.take() {
            self.inner.serialize_field("charts", charts)?;
        }
        self.inner.end()
    }
}

/// Everything but a struct is refused: only the analysis struct goes through here.
macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, S::Error> {
            Err(S::Error::custom("a report serialises an analysis struct"))
        })*
    };
}

impl<'c, S: Serializer> Serializer for WithCharts<'c, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = StructWithCharts<'c, S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(StructWithCharts {
            inner: self.inner.serialize_struct(name, len + 1)?,
            charts: Some(self.charts),
        })
    }

    not_a_struct! {
        serialize_bool(bool) -> S::Ok;
        serialize_i8(i8) -> S::Ok;
        serialize_i16(i16) -> S::Ok;
        serialize_i32(i32) -> S::Ok;
        serialize_i64(i64) -> S::Ok;
        serialize_u8(u8) -> S::Ok;
        serialize_u16(u16) -> S::Ok;
        serialize_u32(u32) -> S::Ok;
        serialize_u64(u64) -> S::Ok;
        serialize_f32(f32) -> S::Ok;
        serialize_f64(f64) -> S::Ok;
        serialize_char(char) -> S::Ok;
        serialize_str(&str) -> S::Ok;
        serialize_bytes(&[u8]) -> S::Ok;
        serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok;
        serialize_unit_struct(&'static str) -> S::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> S::Ok;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("a report serialises an analysis struct"))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("a report serialises an analysis struct"))
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("a report serialises an analysis struct"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in with the analysis's shape around the insertion point.
    #[derive(Serialize)]
    struct Figures {
        overall: u32,
        percentile_method: &'static str,
        setup: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        baseline: Option<u32>,
    }

    fn with_charts(value: &Figures, charts: &[ChartRef]) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        value
            .serialize(WithCharts {
                inner: &mut ser,
                charts,
            })
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn charts_follow_the_percentile_method() {
        let f = Figures {
            overall: 1,
            percentile_method: "nearest rank",
            setup: 2,
            baseline: None,
        };
        assert_eq!(
            with_charts(&f, &[]),
            r#"{"overall":1,"percentile_method":"nearest rank","charts":[],"setup":2}"#
        );
        let chart = ChartRef {
            kind: "latency".into(),
            title: "Latency".into(),
            caption: "p95 per stage".into(),
            endpoint: None,
            svg: Some("charts/latency.svg".into()),
            png: None,
        };
        let json = with_charts(&f, &[chart]);
        assert!(
            json.contains(r#""percentile_method":"nearest rank","charts":[{"kind":"latency","#),
            "{json}"
        );
        assert!(json.ends_with(r#""png":null}],"setup":2}"#), "{json}");
    }
}
