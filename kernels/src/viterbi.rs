//! Viterbi decoding of a linear-chain CRF over per-type emission rows: the
//! twin of `CrfModel.states` (numpy gathers and hmmlearn's Viterbi), which
//! builds a (frames, window, labels) array per document and decodes all
//! units as one sequence; here each unit is scored and decoded in place.

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyByteArray;

use crate::arrays::{int64s, items};

/// Label index of every token of a document.
///
/// `table` holds each token type's emission rows, `(types, window, labels)`
/// flat: row `c` is the type's weights as the token at window offset
/// `c - window / 2` of the one labelled. `rows` are the type ids of the
/// tokens of all decoding units end to end, `ends` each unit's exclusive
/// end, `pad` the type that stands beyond a unit's edges, and
/// `transitions` the `(labels, labels)` weights from label to label.
/// A token's score under a label adds the window's rows in window order
/// (as the reference does, so the sums are the same); each unit is decoded
/// alone, with no start weights (crfsuite has none), ties to the lower label.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn decode<'py>(
    py: Python<'py>,
    table: PyBuffer<f64>,
    window: usize,
    labels: usize,
    rows: PyBuffer<i64>,
    ends: PyBuffer<i64>,
    pad: i64,
    transitions: PyBuffer<f64>,
) -> PyResult<Bound<'py, PyByteArray>> {
    let (table, rows, ends, transitions) =
        (items(&table)?, items(&rows)?, items(&ends)?, items(&transitions)?);
    let row_size = window * labels;
    if window % 2 == 0 || labels == 0 || table.len() % row_size != 0 {
        return Err(PyValueError::new_err("table is not (types, odd window, labels)"));
    }
    if transitions.len() != labels * labels {
        return Err(PyValueError::new_err("transitions are not (labels, labels)"));
    }
    let types = (table.len() / row_size) as i64;
    if rows.iter().chain([&pad]).any(|&row| row < 0 || row >= types) {
        return Err(PyValueError::new_err("a row is not a type of the table"));
    }
    let mut states = vec![0i64; rows.len()];
    let mut decoder = Decoder { table, window, labels, transitions, pad, ..Default::default() };
    let mut start = 0usize;
    for &end in ends {
        let end = usize::try_from(end).ok().filter(|&end| end >= start && end <= rows.len());
        let end = end.ok_or_else(|| PyValueError::new_err("unit ends are not ascending"))?;
        decoder.unit(&rows[start..end], &mut states[start..end]);
        start = end;
    }
    Ok(int64s(py, &states))
}

#[derive(Default)]
struct Decoder<'a> {
    table: &'a [f64],
    window: usize,
    labels: usize,
    transitions: &'a [f64],
    pad: i64,
    /// Best score of a path ending in each label, per token.
    scores: Vec<f64>,
    /// Label of the previous token on that path, per token and label.
    back: Vec<usize>,
    emission: Vec<f64>,
}

impl Decoder<'_> {
    fn unit(&mut self, rows: &[i64], states: &mut [i64]) {
        let (n, labels) = (rows.len(), self.labels);
        if n == 0 {
            return;
        }
        self.scores.clear();
        self.scores.resize(n * labels, 0.0);
        self.back.clear();
        self.back.resize(n * labels, 0);
        self.emission.resize(labels, 0.0);
        for t in 0..n {
            self.emit(rows, t);
            for j in 0..labels {
                let (mut best, mut from) = (0.0, 0);
                if t > 0 {
                    best = f64::NEG_INFINITY;
                    let previous = &self.scores[(t - 1) * labels..t * labels];
                    for (i, &score) in previous.iter().enumerate() {
                        let value = score + self.transitions[i * labels + j];
                        if value > best {
                            (best, from) = (value, i);
                        }
                    }
                }
                self.scores[t * labels + j] = best + self.emission[j];
                self.back[t * labels + j] = from;
            }
        }
        let last = &self.scores[(n - 1) * labels..];
        let mut state = 0;
        for (j, &score) in last.iter().enumerate() {
            if score > last[state] {
                state = j;
            }
        }
        for t in (0..n).rev() {
            states[t] = state as i64;
            state = self.back[t * labels + state];
        }
    }

    /// Emission scores of token `t` of the unit `rows` into `self.emission`.
    fn emit(&mut self, rows: &[i64], t: usize) {
        let (labels, half) = (self.labels, self.window / 2);
        self.emission.iter_mut().for_each(|value| *value = 0.0);
        for column in 0..self.window {
            let at = (t + column).checked_sub(half).filter(|&at| at < rows.len());
            let row = at.map_or(self.pad, |at| rows[at]) as usize;
            let offset = (row * self.window + column) * labels;
            for (value, weight) in self.emission.iter_mut().zip(&self.table[offset..offset + labels]) {
                *value += weight;
            }
        }
    }
}
