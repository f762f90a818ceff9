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
    let (table, rows, ends, transitions) = (
        items(&table)?,
        items(&rows)?,
        items(&ends)?,
        items(&transitions)?,
    );
    let row_size = window * labels;
    if window.is_multiple_of(2) || labels == 0 || !table.len().is_multiple_of(row_size) {
        return Err(PyValueError::new_err(
            "table is not (types, odd window, labels)",
        ));
    }
    if transitions.len() != labels * labels {
        return Err(PyValueError::new_err(
            "transitions are not (labels, labels)",
        ));
    }
    let types = (table.len() / row_size) as i64;
    if rows
        .iter()
        .chain([&pad])
        .any(|&row| row < 0 || row >= types)
    {
        return Err(PyValueError::new_err("a row is not a type of the table"));
    }
    if labels > MAX_LABELS {
        return Err(PyValueError::new_err(
            "more labels than the decoder's rows hold",
        ));
    }
    let mut weights = [[f64::NEG_INFINITY; MAX_LABELS]; MAX_LABELS];
    for (i, row) in weights.iter_mut().enumerate().take(labels) {
        row[..labels].copy_from_slice(&transitions[i * labels..(i + 1) * labels]);
    }
    let mut states = vec![0i64; rows.len()];
    let mut decoder = Decoder {
        table,
        window,
        labels,
        transitions: weights,
        pad,
        scores: vec![],
        back: vec![],
    };
    let mut start = 0usize;
    for &end in ends {
        let end = usize::try_from(end)
            .ok()
            .filter(|&end| end >= start && end <= rows.len());
        let end = end.ok_or_else(|| PyValueError::new_err("unit ends are not ascending"))?;
        decoder.unit(&rows[start..end], &mut states[start..end]);
        start = end;
    }
    Ok(int64s(py, &states))
}

/// Labels a decoder's rows hold: a BIO labelling of three types has 7.
/// Fewer are padded with labels no path can take (scores of -inf), so one
/// fixed-size loop serves every model, unrolled by the compiler.
const MAX_LABELS: usize = 8;
type Row = [f64; MAX_LABELS];

struct Decoder<'a> {
    table: &'a [f64],
    window: usize,
    labels: usize,
    /// `transitions[i][j]`: the weight of label `j` after label `i`.
    transitions: [Row; MAX_LABELS],
    pad: i64,
    /// Best score of a path ending in each label, per token.
    scores: Vec<Row>,
    /// Label of the previous token on that path, per token and label.
    back: Vec<[u8; MAX_LABELS]>,
}

impl Decoder<'_> {
    fn unit(&mut self, rows: &[i64], states: &mut [i64]) {
        let n = rows.len();
        if n == 0 {
            return;
        }
        self.scores.clear();
        self.back.clear();
        self.scores.push(self.emission(rows, 0));
        self.back.push([0; MAX_LABELS]);
        for t in 1..n {
            let emission = self.emission(rows, t);
            let previous = self.scores[t - 1];
            // For every label at once, the best previous label: the
            // previous labels in turn, a later one winning only when
            // strictly better (ties to the lower label, as the reference).
            // Label by label in the inner loop, so it compiles to vector
            // additions and blends, with no branch to mispredict.
            let mut scores = [previous[0]; MAX_LABELS];
            let mut back = [0u8; MAX_LABELS];
            for (score, weight) in scores.iter_mut().zip(&self.transitions[0]) {
                *score += weight;
            }
            let rest = previous.iter().zip(&self.transitions).enumerate().skip(1);
            for (i, (&from_score, weights)) in rest {
                for ((score, from), &weight) in scores.iter_mut().zip(&mut back).zip(weights) {
                    let value = from_score + weight;
                    let better = value > *score;
                    *score = if better { value } else { *score };
                    *from = if better { i as u8 } else { *from };
                }
            }
            for (score, value) in scores.iter_mut().zip(emission) {
                *score += value;
            }
            self.scores.push(scores);
            self.back.push(back);
        }
        let last = &self.scores[n - 1];
        let mut state = 0;
        for j in 1..MAX_LABELS {
            if last[j] > last[state] {
                state = j;
            }
        }
        for t in (0..n).rev() {
            states[t] = state as i64;
            state = self.back[t][state] as usize;
        }
    }

    /// Emission scores of token `t` of the unit `rows`: its window's rows
    /// added in window order (-inf for the padding labels).
    fn emission(&self, rows: &[i64], t: usize) -> Row {
        let (labels, half) = (self.labels, self.window / 2);
        let mut emission = [0.0; MAX_LABELS];
        for column in 0..self.window {
            let at = (t + column).checked_sub(half).filter(|&at| at < rows.len());
            let row = at.map_or(self.pad, |at| rows[at]) as usize;
            let offset = (row * self.window + column) * labels;
            for (value, weight) in emission
                .iter_mut()
                .zip(&self.table[offset..offset + labels])
            {
                *value += weight;
            }
        }
        emission[labels..].fill(f64::NEG_INFINITY);
        emission
    }
}
