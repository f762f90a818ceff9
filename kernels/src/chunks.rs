//! The lexicon's chunk table: whitespace-separated chunk → its token type
//! ids, and the tokens of a text by one look-up per chunk. Twin of the
//! plain-Python path of `streams.ner.lexicon.Lexicon.tokens` (a dict look-up
//! per chunk through `np.fromiter`, then numpy over code points for the
//! offsets), which was a sixth of tagging; here one pass over the text does
//! the look-ups and the offsets together.

use compact_str::CompactString;
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyByteArray;
use rustc_hash::FxHashMap;

use crate::arrays::{int64s, items};

/// Whitespace as Python's `str.split()` sees it: Unicode White_Space plus
/// the four information separators U+001C..U+001F, which CPython counts as
/// space too.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The chunks of `text` with their code-point offsets, and its line breaks.
fn chunks(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut chars = text.char_indices().enumerate().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, (_, c))) = chars.peek() {
            if !is_space(c) {
                break;
            }
            chars.next();
            if c == '\n' {
                return Some(Piece::Newline);
            }
        }
        let (start, (byte_start, _)) = chars.next()?;
        let mut byte_end = text.len();
        while let Some(&(_, (byte, c))) = chars.peek() {
            if is_space(c) {
                byte_end = byte;
                break;
            }
            chars.next();
        }
        Some(Piece::Chunk(&text[byte_start..byte_end], start))
    })
}

enum Piece<'a> {
    /// A chunk and the code-point offset where it starts.
    Chunk(&'a str, usize),
    Newline,
}

/// Chunk → token type ids, as ragged rows; and the text being cut.
///
/// A text is cut in two calls, so that each chunk is looked up once:
/// `scan` looks every chunk up and returns the ones the table lacks, the
/// caller tokenises and interns those and `add`s them (in that order, so
/// the k-th gets row `rows.len() + k` as of the scan), then `tokens` makes
/// the arrays from what `scan` kept.
#[pyclass(module = "streams.ner._kernels")]
#[derive(Default)]
pub struct ChunkTable {
    /// Chunks of up to 24 bytes (most words, in UTF-8 Arabic or Latin) are
    /// stored in the entry itself: a look-up in a table of 10⁵ chunks then
    /// costs one cache miss, not a second one for a key on the heap.
    index: FxHashMap<CompactString, usize>,
    /// Where each chunk's type ids start in `types`, and how many there are.
    rows: Vec<(usize, usize)>,
    types: Vec<i64>,
    /// The text last scanned: each chunk's row and code-point offset, each
    /// line break as the number of chunks before it, and how many rows the
    /// table must have (its new chunks added) before `tokens`.
    scanned: Vec<(usize, i64)>,
    breaks: Vec<usize>,
    rows_needed: usize,
}

#[pymethods]
impl ChunkTable {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    fn __len__(&self) -> usize {
        self.rows.len()
    }

    /// Forget every chunk (the lexicon's ids restart, or the table is full).
    fn clear(&mut self) {
        *self = Self::default();
    }

    /// Look up every chunk of `text` and keep them for `tokens`; the
    /// distinct chunks not in the table, in order of first appearance.
    fn scan(&mut self, text: &str) -> Vec<String> {
        self.scanned.clear();
        self.breaks.clear();
        let base = self.rows.len();
        let mut new: FxHashMap<&str, usize> = FxHashMap::default();
        let mut out = Vec::new();
        for piece in chunks(text) {
            let (chunk, start) = match piece {
                Piece::Newline => {
                    self.breaks.push(self.scanned.len());
                    continue;
                }
                Piece::Chunk(chunk, start) => (chunk, start as i64),
            };
            let row = match self.index.get(chunk) {
                Some(&row) => row,
                None => *new.entry(chunk).or_insert_with(|| {
                    out.push(chunk.to_owned());
                    base + out.len() - 1
                }),
            };
            self.scanned.push((row, start));
        }
        self.rows_needed = base + out.len();
        out
    }

    /// Add `chunks` (new ones), the `i`-th made of the next `sizes[i]` of `ids`.
    fn add(
        &mut self,
        chunks: Vec<String>,
        sizes: PyBuffer<i64>,
        ids: PyBuffer<i64>,
    ) -> PyResult<()> {
        let (sizes, ids) = (items(&sizes)?, items(&ids)?);
        let total = sizes.iter().try_fold(0usize, |sum, &size| {
            usize::try_from(size).ok().map(|s| sum + s)
        });
        if sizes.len() != chunks.len() || total != Some(ids.len()) {
            return Err(PyValueError::new_err(
                "sizes do not cut ids into the chunks",
            ));
        }
        let mut first = self.types.len();
        self.types.extend_from_slice(ids);
        for (chunk, &size) in chunks.into_iter().zip(sizes) {
            let row = self.rows.len();
            if self.index.insert(CompactString::from(chunk), row).is_some() {
                return Err(PyValueError::new_err("a chunk was added twice"));
            }
            self.rows.push((first, size as usize));
            first += size as usize;
        }
        Ok(())
    }

    /// `(ids, starts, ends, breaks)` of the tokens of the text last
    /// scanned, int64 each: type id, code-point offset and end of each
    /// token, and for each line break the index of the first token after
    /// it. The chunks `scan` returned must have been added; `lengths` is
    /// the length of each type's surface.
    #[allow(clippy::type_complexity)]
    fn tokens<'py>(
        &self,
        py: Python<'py>,
        lengths: PyBuffer<i64>,
    ) -> PyResult<(
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
        Bound<'py, PyByteArray>,
    )> {
        if self.rows.len() < self.rows_needed {
            return Err(PyValueError::new_err(
                "the chunks scan returned were not added",
            ));
        }
        let lengths = items(&lengths)?;
        let (mut ids, mut starts, mut ends) = (vec![], vec![], vec![]);
        let mut breaks = Vec::with_capacity(self.breaks.len());
        let mut pending_breaks = self.breaks.iter().peekable();
        for (chunk, &(row, start)) in self.scanned.iter().enumerate() {
            while pending_breaks.next_if(|&&before| before == chunk).is_some() {
                breaks.push(ids.len() as i64);
            }
            let (first, size) = self.rows[row];
            let mut at = start;
            for &id in &self.types[first..first + size] {
                let length = usize::try_from(id).ok().and_then(|id| lengths.get(id));
                let length =
                    *length.ok_or_else(|| PyValueError::new_err("a type id has no length"))?;
                ids.push(id);
                starts.push(at);
                at += length;
                ends.push(at);
            }
        }
        breaks.extend(pending_breaks.map(|_| ids.len() as i64));
        Ok((
            int64s(py, &ids),
            int64s(py, &starts),
            int64s(py, &ends),
            int64s(py, &breaks),
        ))
    }
}
