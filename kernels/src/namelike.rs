//! How much a word's letters look like a name: the twin of
//! `streams.ner.namelike.name_scores` (the reference), a logistic model over
//! character 2–4-grams, asked for every new word type outside the cluster
//! vocabulary. In Python each n-gram is a new string in a set, then a dict
//! probe; here they are slices of the word.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use rustc_hash::FxHashMap;

/// The n-gram weights of the classes (person, place), in thousandths.
#[pyclass(module = "streams.ner._kernels", frozen)]
#[derive(Clone)]
pub struct NameScorer {
    bias: (i64, i64),
    weights: FxHashMap<String, (i64, i64)>,
    edges: Vec<i64>,
}

#[pymethods]
impl NameScorer {
    /// `weights`: n-gram → (person, place) weight; `edges`: the ascending
    /// bucket edges, all in the same thousandths.
    #[new]
    fn new(
        bias: (i64, i64),
        weights: FxHashMap<String, (i64, i64)>,
        edges: Vec<i64>,
    ) -> PyResult<Self> {
        if !edges.is_sorted() {
            return Err(PyValueError::new_err("bucket edges are not ascending"));
        }
        Ok(Self {
            bias,
            weights,
            edges,
        })
    }

    /// The bucket of each class for the matching form `form`: how many edges
    /// lie below its summed weights (as `bisect_left`).
    pub fn scores(&self, form: &str) -> (usize, usize) {
        let marked = format!("<{form}>");
        let bounds: Vec<usize> = marked
            .char_indices()
            .map(|(at, _)| at)
            .chain([marked.len()])
            .collect();
        let mut grams: Vec<&str> = Vec::with_capacity(3 * bounds.len());
        for size in 2..=4 {
            for window in bounds.windows(size + 1) {
                grams.push(&marked[window[0]..window[size]]);
            }
        }
        // Each distinct n-gram once, as the reference sums over a set.
        grams.sort_unstable();
        grams.dedup();
        let (mut person, mut place) = self.bias;
        for gram in &grams {
            if let Some(&(p, l)) = self.weights.get(*gram) {
                person += p;
                place += l;
            }
        }
        let bucket = |total: i64| self.edges.partition_point(|&edge| edge < total);
        (bucket(person), bucket(place))
    }
}
