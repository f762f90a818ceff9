//! Kernels of the tag stage: tokens by chunk table look-up, the emission
//! rows of new Arabic word types, the name-likeness of new words and the
//! CRF's Viterbi decoding. Each has a plain-Python twin that is the
//! reference (`streams.ner.lexicon`, `streams.ner.features` and `streams.ner.crf`,
//! `streams.ner.namelike`); the tests run
//! both and compare.

use pyo3::prelude::*;

mod arrays;
mod chunks;
mod features;
mod namelike;
mod viterbi;

#[pymodule]
fn _kernels(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<chunks::ChunkTable>()?;
    m.add_class::<namelike::NameScorer>()?;
    m.add_class::<features::Emitter>()?;
    m.add_function(wrap_pyfunction!(viterbi::decode, m)?)?;
    Ok(())
}
