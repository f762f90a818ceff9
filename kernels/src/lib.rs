//! Array kernels of the tag stage: tokens by chunk table look-up and the
//! CRF's Viterbi decoding. Each has a plain-Python twin that is the
//! reference (`streams.ner.lexicon`, `streams.ner.crf`); the tests run
//! both and compare.

use pyo3::prelude::*;

mod arrays;
mod chunks;
mod viterbi;

#[pymodule]
fn _kernels(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<chunks::ChunkTable>()?;
    m.add_function(wrap_pyfunction!(viterbi::decode, m)?)?;
    Ok(())
}
