//! Emission rows of new Arabic word types: the twin of
//! `FeatureExtractor.compute` (the features of one type, as strings) and
//! `CrfModel.plain_emissions` (their weights summed per window offset),
//! which are the reference. A stream brings ~25 new word types an article
//! and each cost ~12 µs in Python, about a third of it feature strings
//! made only to be looked up once; here each is written into one reused
//! buffer and looked up from there.
//!
//! Only Arabic words come here (a word token whose matching form starts
//! with an Arabic letter: the bulk of new types); Latin words, digits and
//! punctuation keep the plain path, whose Unicode case and digit rules
//! this would have to copy. What Python knows best arrives as data: the
//! Snowball stem of each form (PyStemmer, in one batch), the gazetteer's
//! tags, the corpus word infos and the trigger forms.

use std::fmt::Write;

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyByteArray;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::arrays::items;
use crate::namelike::NameScorer;

const PROCLITICS: [&str; 11] = ["وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك"];
/// ل + ال written لل, after no conjunction, و or ف.
const CONTRACTED: [&str; 3] = ["لل", "ولل", "فلل"];
const ARTICLE: &str = "ال";
const MIN_CORE_LETTERS: usize = 3;

/// What the corpus says of a word form (`streams.ner.clusters.WordInfo`).
struct Info {
    count: u64,
    clusters: Vec<i64>,
    after_trigger: Vec<i64>,
}

/// Feature weights and the data the features are computed from.
#[pyclass(module = "streams.ner._kernels", frozen)]
pub struct Emitter {
    keys: FxHashMap<String, usize>,
    /// The weights, one `window × labels` block per key, flat.
    blocks: Vec<f64>,
    bias: Vec<f64>,
    gazetteer: FxHashMap<String, Vec<String>>,
    infos: FxHashMap<String, Info>,
    triggers: Vec<(String, FxHashSet<String>)>,
    names: Option<(Vec<char>, NameScorer)>,
}

#[pymethods]
impl Emitter {
    /// `keys`: feature → its block in `blocks` (`(keys, window, labels)`);
    /// `bias`: the block every position has; `gazetteer`: form → its tags,
    /// sorted; `infos`: form → (count, clusters, after-trigger buckets);
    /// `triggers`: (class, trigger forms) in the reference's order;
    /// `names`: the classes' initials and the name scorer, if any.
    #[new]
    #[allow(clippy::type_complexity)]
    fn new(
        keys: FxHashMap<String, usize>,
        blocks: PyBuffer<f64>,
        bias: PyBuffer<f64>,
        gazetteer: FxHashMap<String, Vec<String>>,
        infos: FxHashMap<String, (u64, Vec<i64>, Vec<i64>)>,
        triggers: Vec<(String, FxHashSet<String>)>,
        names: Option<(String, PyRef<'_, NameScorer>)>,
    ) -> PyResult<Self> {
        let (blocks, bias) = (items(&blocks)?.to_vec(), items(&bias)?.to_vec());
        if bias.is_empty()
            || blocks.len() % bias.len() != 0
            || keys.values().any(|&k| (k + 1) * bias.len() > blocks.len())
        {
            return Err(PyValueError::new_err(
                "blocks are not (keys, window, labels) rows of the bias's size",
            ));
        }
        let infos = infos
            .into_iter()
            .map(|(form, (count, clusters, after_trigger))| {
                (
                    form,
                    Info {
                        count,
                        clusters,
                        after_trigger,
                    },
                )
            })
            .collect();
        let names = names.map(|(initials, scorer)| (initials.chars().collect(), scorer.clone()));
        Ok(Self {
            keys,
            blocks,
            bias,
            gazetteer,
            infos,
            triggers,
            names,
        })
    }

    /// Emission rows of each of `forms` (matching forms of Arabic word
    /// types, each with its stem in `stems`), `(forms, window, labels)`
    /// float64, flat.
    fn rows<'py>(
        &self,
        py: Python<'py>,
        forms: Vec<String>,
        stems: Vec<String>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        if forms.len() != stems.len() {
            return Err(PyValueError::new_err("one stem per form"));
        }
        let width = self.bias.len();
        let mut out = vec![0f64; forms.len() * width];
        let mut buffer = String::new();
        // Summed exactly as the reference's np.add.reduceat over the
        // features' blocks (an unknown feature's being zeros) then plus the
        // bias, so the rows are the same to the last bit.
        let mut terms: Vec<f64> = Vec::new();
        let mut sum = vec![0f64; width];
        for ((form, stem), row) in forms.iter().zip(&stems).zip(out.chunks_mut(width)) {
            terms.clear();
            self.each_feature(form, stem, &mut buffer, |feature| {
                match self.keys.get(feature) {
                    Some(&key) => {
                        terms.extend_from_slice(&self.blocks[key * width..(key + 1) * width])
                    }
                    None => terms.resize(terms.len() + width, 0.0),
                }
            });
            pairwise_sum(&terms[width..], width, &mut sum);
            for (((value, first), rest), bias) in row
                .iter_mut()
                .zip(&terms[..width])
                .zip(&sum)
                .zip(&self.bias)
            {
                *value = first + rest + bias;
            }
        }
        // SAFETY: f64 has no padding, so its bytes are plain data.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                out.as_ptr() as *const u8,
                std::mem::size_of_val(out.as_slice()),
            )
        };
        Ok(PyByteArray::new(py, bytes))
    }

    /// The features of one Arabic word type, in the reference's order (for
    /// the tests, which compare them with `FeatureExtractor.compute`).
    fn features(&self, form: &str, stem: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.each_feature(form, stem, &mut String::new(), |feature| {
            out.push(feature.to_owned())
        });
        out
    }
}

impl Emitter {
    /// Calls `emit` with each feature of `form`, written in `buffer`.
    fn each_feature(
        &self,
        form: &str,
        stem: &str,
        buffer: &mut String,
        mut emit: impl FnMut(&str),
    ) {
        let mut feature = |parts: std::fmt::Arguments| {
            buffer.clear();
            let _ = buffer.write_fmt(parts);
            emit(buffer);
        };
        let candidates = bare_candidates(form);
        feature(format_args!("w={form}"));
        for candidate in &candidates[1..] {
            feature(format_args!("c={candidate}"));
        }
        feature(format_args!("s={stem}"));
        let last = candidates.last().map_or(form, String::as_str);
        let core = without_article(last).unwrap_or(last);
        feature(format_args!("p2={}", head(form, 2)));
        feature(format_args!("x2={}", tail(form, 2)));
        feature(format_args!("p3={}", head(form, 3)));
        feature(format_args!("x3={}", tail(form, 3)));
        feature(format_args!("cx2={}", tail(core, 2)));
        feature(format_args!("n={}", core.chars().count().min(9)));
        feature(format_args!("ar"));
        if form.starts_with(ARTICLE) {
            feature(format_args!("al"));
        }
        for (kind, forms) in &self.triggers {
            if candidates.iter().any(|c| forms.contains(c)) {
                feature(format_args!("t={kind}"));
            }
        }
        let mut tags: Vec<&str> = candidates
            .iter()
            .filter_map(|c| self.gazetteer.get(c))
            .flatten()
            .map(String::as_str)
            .collect();
        tags.sort_unstable();
        tags.dedup();
        for tag in tags {
            feature(format_args!("g={tag}"));
        }
        match self.best_info(&candidates) {
            None => {
                feature(format_args!("f=0"));
                if let Some((initials, scorer)) = &self.names {
                    let (person, place) = scorer.scores(form);
                    for (initial, bucket) in initials.iter().zip([person, place]) {
                        feature(format_args!("n{initial}={bucket}"));
                    }
                }
            }
            Some(info) => {
                // floor(log2(count)), exact on integers (count ≥ 1)
                let band = (63 - info.count.max(1).leading_zeros()).min(14);
                feature(format_args!("f={band}"));
                for (granularity, cluster) in info.clusters.iter().enumerate() {
                    feature(format_args!("k{granularity}={cluster}"));
                }
                for (kind, &bucket) in ['P', 'L', 'O'].iter().zip(&info.after_trigger) {
                    if bucket != 0 {
                        feature(format_args!("a{kind}={bucket}"));
                    }
                }
            }
        }
    }

    /// Corpus info of the written form, else of the most frequent bare form
    /// (the first of those as frequent).
    fn best_info(&self, candidates: &[String]) -> Option<&Info> {
        if let Some(info) = self.infos.get(&candidates[0]) {
            return Some(info);
        }
        let mut best: Option<&Info> = None;
        for candidate in &candidates[1..] {
            if let Some(info) = self.infos.get(candidate) {
                if best.is_none_or(|b| info.count > b.count) {
                    best = Some(info);
                }
            }
        }
        best
    }
}

/// Column sums of `rows` (`width` wide) into `out`, added as numpy's
/// pairwise summation adds each column (`np.add.reduce` along an axis):
/// under 8 rows one by one from zero; up to 128 in eight interleaved
/// partial sums combined pairwise, then the rest one by one; above, the
/// two halves (the first a multiple of 8 rows) recursively.
fn pairwise_sum(rows: &[f64], width: usize, out: &mut [f64]) {
    const BLOCK: usize = 128;
    let n = rows.len() / width;
    let row = |i: usize| &rows[i * width..(i + 1) * width];
    let add = |out: &mut [f64], other: &[f64]| out.iter_mut().zip(other).for_each(|(a, b)| *a += b);
    if n < 8 {
        out.fill(0.0);
        (0..n).for_each(|i| add(out, row(i)));
    } else if n <= BLOCK {
        let mut partial = rows[..8 * width].to_vec();
        let whole = n - n % 8;
        for i in (8..whole).step_by(8) {
            add(&mut partial, &rows[i * width..(i + 8) * width]);
        }
        let p = |j: usize, column: usize| partial[j * width + column];
        for (column, value) in out.iter_mut().enumerate() {
            *value = ((p(0, column) + p(1, column)) + (p(2, column) + p(3, column)))
                + ((p(4, column) + p(5, column)) + (p(6, column) + p(7, column)));
        }
        (whole..n).for_each(|i| add(out, row(i)));
    } else {
        let half = n / 2 - (n / 2) % 8;
        let mut second = vec![0f64; width];
        pairwise_sum(&rows[..half * width], width, out);
        pairwise_sum(&rows[half * width..], width, &mut second);
        add(out, &second);
    }
}

/// The first `n` code points of `text` (all of it when shorter).
fn head(text: &str, n: usize) -> &str {
    text.char_indices()
        .nth(n)
        .map_or(text, |(at, _)| &text[..at])
}

/// The last `n` code points of `text` (all of it when shorter).
fn tail(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    text.char_indices()
        .rev()
        .nth(n - 1)
        .map_or(text, |(at, _)| &text[at..])
}

fn core_letters(form: &str) -> usize {
    let letters = form.chars().count();
    if form.starts_with(ARTICLE) {
        letters - 2
    } else {
        letters
    }
}

/// `form` without a leading ال when at least three letters remain.
fn without_article(form: &str) -> Option<&str> {
    let rest = form.strip_prefix(ARTICLE)?;
    (rest.chars().count() >= MIN_CORE_LETTERS).then_some(rest)
}

/// `streams.ner.clitics.bare_candidates`: the form, the forms its
/// proclitics may hide (لل restored to ال), and each without the article.
fn bare_candidates(form: &str) -> Vec<String> {
    let mut stripped: Vec<String> = PROCLITICS
        .iter()
        .filter_map(|proclitic| form.strip_prefix(proclitic).map(str::to_owned))
        .collect();
    for prefix in CONTRACTED {
        if let Some(rest) = form.strip_prefix(prefix) {
            stripped.push(format!("{ARTICLE}{rest}"));
        }
    }
    let mut out: Vec<String> = vec![form.to_owned()];
    let mut seen_stripped = FxHashSet::default();
    let candidates = stripped
        .iter()
        .filter(|s| seen_stripped.insert(s.as_str()) && core_letters(s) >= MIN_CORE_LETTERS);
    for candidate in std::iter::once(form).chain(candidates.map(String::as_str)) {
        out.push(candidate.to_owned());
        if let Some(bare) = without_article(candidate) {
            out.push(bare.to_owned());
        }
    }
    let mut seen = FxHashSet::default();
    out.retain(|c| seen.insert(c.clone()));
    out
}
